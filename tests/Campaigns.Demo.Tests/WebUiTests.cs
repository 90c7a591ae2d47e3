using Campaigns.Workflows.Contract;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Xunit.Abstractions;

namespace Campaigns.Demo.Tests;

/// <summary>
/// The Temporal Web UI in a real browser: a campaign run on the demo's services (a dev server with its UI) is
/// found by its CampaignId, and its status, summary and details are on its page. Screenshots land in
/// TestResults/ beside the test assembly.
/// </summary>
public sealed class WebUiTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PageWait = TimeSpan.FromSeconds(60); // generous: CI runs every suite at once on 2 cores

    [Fact]
    public async Task WebUi_FindsCampaignByCampaignId_AndShowsItsStatusAndSummary()
    {
        using var browser = Chromium.Start(); // first: a missing browser fails before anything starts
        await using var services = await DemoServices.StartAsync(DemoRun.TimeScale, output.WriteLine);
        var campaignId = "webui-" + Guid.NewGuid().ToString("N")[..8];
        await services.Store.AddDoNotCallAsync([SampleCampaign.DoNotCall]);
        var handle = await services.Campaigns.StartAsync(SampleCampaign.Build(campaignId, 10));
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var result = await handle.GetResultAsync(rpcOptions: new() { CancellationToken = deadline.Token });
        Assert.Equal(CampaignStatuses.Completed, result.Status);
        var workflowId = CampaignSearch.WorkflowIdOf(campaignId);

        // The list, filtered by the search attribute as the demo prints it.
        await browser.Navigate().GoToUrlAsync(services.Temporal.WorkflowsPage($"CampaignId=\"{campaignId}\""));
        var link = Wait(browser).Until(b => b.FindElements(By.LinkText(workflowId)).FirstOrDefault(e => e.Displayed));
        Assert.Contains("completed", RowOf(link).Text, StringComparison.OrdinalIgnoreCase);
        WaitForText(browser, "1 Workflow"); // the filter found this one only
        Screenshot(browser, "webui-list.png");

        // The campaign's own page: its status, then its summary and current details (User Metadata) and search attributes.
        link.Click();
        WaitForText(browser, workflowId, "COMPLETED");
        ClickTab(browser, "User Metadata");
        // The static summary, then the current details the workflow keeps up to date (markdown: they start with the status in bold).
        WaitForText(browser, $"Campaign {campaignId}", $"Completed — {result.Targets} of {result.Targets} targets finished");
        Screenshot(browser, "webui-campaign.png");

        ClickTab(browser, "Search Attributes");
        WaitForText(browser, "\"CampaignStatus\": \"Completed\"", $"\"CampaignId\": \"{campaignId}\"");
        Screenshot(browser, "webui-search-attributes.png");
    }

    private static WebDriverWait Wait(ChromeDriver browser)
    {
        var wait = new WebDriverWait(browser, PageWait) { PollingInterval = TimeSpan.FromMilliseconds(200) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        return wait;
    }

    // The page's visible text (as a user reads it: CSS text-transform applied, whitespace collapsed) holds every one of texts, eventually.
    private static void WaitForText(ChromeDriver browser, params string[] texts)
    {
        var seen = string.Empty;
        try
        {
            Wait(browser).Until(b =>
            {
                seen = VisibleText(b);
                return texts.All(t => seen.Contains(t, StringComparison.Ordinal));
            });
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"The page never showed {string.Join(", ", texts.Select(t => $"\"{t}\""))}; it showed:\n{seen}");
        }
    }

    // The UI renders summaries and details (markdown) in sandboxed iframes, whose text the page's body does not include.
    private static string VisibleText(IWebDriver browser)
    {
        browser.SwitchTo().DefaultContent();
        var texts = new List<string> { browser.FindElement(By.TagName("body")).Text };
        foreach (var frame in browser.FindElements(By.TagName("iframe")))
        {
            browser.SwitchTo().Frame(frame);
            texts.Add(browser.FindElement(By.TagName("body")).Text);
            browser.SwitchTo().DefaultContent();
        }

        return string.Join(' ', string.Join(' ', texts).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
    }

    private static IWebElement RowOf(IWebElement link) => link.FindElement(By.XPath("./ancestor::*[self::tr or @role='row'][1]"));

    private static void ClickTab(ChromeDriver browser, string name)
    {
        var tab = Wait(browser).Until(b => b.FindElements(By.XPath($"//*[@role='tab' or self::a or self::button][normalize-space(.)='{name}']")).FirstOrDefault(e => e.Displayed));
        tab.Click();
    }

    private void Screenshot(ChromeDriver browser, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        browser.GetScreenshot().SaveAsFile(path);
        output.WriteLine($"screenshot: {path}");
        Console.WriteLine($"Web UI screenshot: {path}");
    }
}

using OpenQA.Selenium.Chrome;

namespace Campaigns.Demo.Tests;

/// <summary>
/// The machine's own headless Chromium through its own chromedriver (Debian's chromium and chromium-driver, which
/// tests/services.sh installs and names in CAMPAIGNS_TEST_CHROMIUM and CAMPAIGNS_TEST_CHROMEDRIVER). Never a
/// downloaded browser: with both paths given, Selenium Manager is not asked for one.
/// </summary>
internal static class Chromium
{
    public const string BrowserVariable = "CAMPAIGNS_TEST_CHROMIUM";
    public const string DriverVariable = "CAMPAIGNS_TEST_CHROMEDRIVER";

    public static ChromeDriver Start()
    {
        var browser = Required(BrowserVariable, "the Chromium executable, e.g. /usr/bin/chromium (Debian package chromium)");
        var driver = Required(DriverVariable, "its chromedriver, e.g. /usr/bin/chromedriver (Debian package chromium-driver)");
#pragma warning disable CA2000 // the driver made from it owns it and disposes it
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
#pragma warning restore CA2000
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = browser };
        // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000");
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    private static string Required(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        Assert.False(string.IsNullOrEmpty(value), $"{variable} is not set: it must name {what}. tests/run.sh sets it (tests/services.sh browser_install).");
        Assert.True(File.Exists(value), $"{variable}={value}: no such file");
        return value!;
    }
}

using System.Text.Json;
using Campaigns.Workflows.Contract;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// The compose file's one-shot <c>temporal-namespace</c> service, its script run as compose would run it
/// (sh -c, the Temporal CLI as <c>temporal</c>, the service's own environment), against the tests' dev server
/// in a namespace of its own that does not exist yet.
/// </summary>
public sealed class NamespaceScriptTests
{
    [Fact]
    public async Task The_script_creates_the_namespace_registers_both_attributes_and_is_idempotent()
    {
        var address = Required("TEMPORAL_ADDRESS");
        var cli = Required("TEMPORAL_CLI_PATH");
        var service = Compose.Service(await Compose.ConfigAsync(), "temporal-namespace");
        var script = Scripts.Of(service);

        var bin = Directory.CreateTempSubdirectory("campaigns-cli-");
        try
        {
            var temporal = Path.Combine(bin.FullName, "temporal");
            File.CreateSymbolicLink(temporal, cli);
            var ns = "deploy-" + Guid.NewGuid().ToString("N")[..10];
            var env = new Dictionary<string, string>(Compose.EnvironmentOf(service))
            {
                ["TEMPORAL_ADDRESS"] = address,
                ["TEMPORAL_NAMESPACE"] = ns,
                ["PATH"] = bin.FullName + ":/usr/bin:/bin",
            };
            Assert.Equal("72h", env["TEMPORAL_NAMESPACE_RETENTION"]);
            Assert.NotEqual(0, (await Scripts.RunAsync(temporal, ["operator", "namespace", "describe", "--namespace", ns], env)).Code);

            var first = await Scripts.RunAsync("/bin/sh", ["-c", script], env);
            Assert.True(first.Code == 0, first.Output);
            var second = await Scripts.RunAsync("/bin/sh", ["-c", script], env);
            Assert.True(second.Code == 0, second.Output);
            Assert.Contains("is ready with search attributes", second.Output, StringComparison.Ordinal);

            var described = await Scripts.RunAsync(temporal, ["operator", "namespace", "describe", "--namespace", ns, "--output", "json"], env);
            Assert.True(described.Code == 0, described.Output);
            var retention = JsonDocument.Parse(described.Output).RootElement.GetProperty("config").GetProperty("workflowExecutionRetentionTtl").GetString();
            Assert.Equal("259200s", retention); // 72h

            var list = await Scripts.RunAsync(temporal, ["operator", "search-attribute", "list", "--namespace", ns, "--output", "json"], env);
            Assert.True(list.Code == 0, list.Output);
            var custom = JsonDocument.Parse(list.Output).RootElement.GetProperty("customAttributes");
            foreach (var key in new[] { CampaignSearch.CampaignId, CampaignSearch.CampaignStatus })
            {
                Assert.True(custom.TryGetProperty(key.Name, out var type), $"{key.Name} is not registered in {ns}: {list.Output}");
                Assert.Equal("INDEXED_VALUE_TYPE_KEYWORD", type.GetString());
            }
        }
        finally
        {
            bin.Delete(recursive: true);
        }
    }

    private static string Required(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"{name} is not set: run the tests with 'bash tests/run.sh', which starts a Temporal dev server from ../shared/tools/temporal");
}

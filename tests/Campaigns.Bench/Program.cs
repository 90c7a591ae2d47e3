using System.Globalization;
using Campaigns.Bench;

// dotnet run -c Release --project tests/Campaigns.Bench -- simulator [seconds] [concurrency] [external-url]
// dotnet run -c Release --project tests/Campaigns.Bench -- storage [postgres-connection-string] [per-call] [postgres]   (or: bash tests/bench.sh storage)
// bash tests/bench.sh campaign [targets=20000] [no-plain]
var what = args.Length > 0 ? args[0] : "simulator";
var seconds = what == "simulator" && args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 10;
var concurrency = what == "simulator" && args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 32;
var external = args.Length > 3 ? args[3] : null;
switch (what)
{
    case "simulator":
        await SimulatorThroughput.RunAsync(TimeSpan.FromSeconds(seconds), concurrency, external);
        break;
    case "storage":
        await StorageBench.RunAsync(args.Length > 1 && args[1] is not ("per-call" or "postgres") ? args[1] : null, args.Contains("per-call"), args.Contains("postgres"));
        break;
    case "campaign":
        var targets = args.Length > 1 && int.TryParse(args[1], CultureInfo.InvariantCulture, out var n) ? n : 20_000;
        await CampaignBench.RunAsync(targets, !args.Contains("no-plain"), "bash tests/bench.sh " + string.Join(' ', args));
        break;
    default:
        Console.Error.WriteLine("usage: bench simulator [seconds] [concurrency] [external-url] | bench storage [postgres-connection-string] [per-call] [postgres] | bench campaign [targets] [no-plain]");
        return 2;
}

return 0;

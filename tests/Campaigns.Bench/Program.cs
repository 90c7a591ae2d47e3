using System.Globalization;
using Campaigns.Bench;

// dotnet run -c Release --project tests/Campaigns.Bench -- simulator [seconds] [concurrency] [external-url]
// dotnet run -c Release --project tests/Campaigns.Bench -- storage [postgres-connection-string] [per-call] [postgres]   (or: bash tests/bench.sh storage)
// bash tests/bench.sh campaign [targets=20000] [short] [no-plain] [redial] [callbacks] [no-group-commit] [polls-first]   (default: the simulator's own call mix; short: 1-2 s calls;
//   redial: NotAnswer and CallBusy dialed again after 60 s, up to 2 attempts; CAMPAIGNS_SUGGEST_CAN=N: continue-as-new after N events;
//   no-group-commit: the worker with OutcomeStore:GroupCommit=false; polls-first: with Campaigns:Watch:RecordsFirst=false;
//   callbacks: the worker's campaign twice, callbacks off then on, side by side, instead of the worker beside the plain script)
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
        // Arguments after "campaign" in any order: a number of targets, "short", "no-plain", "redial", "callbacks".
        var options = args.Skip(1).ToList();
        var targets = options.Select(a => int.TryParse(a, CultureInfo.InvariantCulture, out var n) ? n : (int?)null).FirstOrDefault(n => n is not null) ?? 20_000;
        var unknown = options.Where(a => a is not ("short" or "no-plain" or "redial" or "callbacks" or "no-group-commit" or "polls-first") && !int.TryParse(a, CultureInfo.InvariantCulture, out _)).ToList();
        if (unknown.Count > 0 || targets < 1)
        {
            await Console.Error.WriteLineAsync($"campaign: unknown argument(s) {string.Join(' ', unknown)}; usage: bench campaign [targets=20000] [short] [no-plain] [redial] [callbacks]");
            return 2;
        }

        var mix = options.Contains("short") ? CallMix.Short(targets) : CallMix.Production(targets);
        if (options.Contains("callbacks"))
        {
            await CampaignBench.RunCallbacksAsync(targets, mix, "bash tests/bench.sh " + string.Join(' ', args));
            break;
        }

        await CampaignBench.RunAsync(targets, mix, !options.Contains("no-plain"), "bash tests/bench.sh " + string.Join(' ', args), options.Contains("redial"), groupCommit: !options.Contains("no-group-commit"), recordsFirst: !options.Contains("polls-first"));
        break;
    default:
        await Console.Error.WriteLineAsync("usage: bench simulator [seconds] [concurrency] [external-url] | bench storage [postgres-connection-string] [per-call] [postgres] | bench campaign [targets=20000] [short] [no-plain] [redial] [callbacks] (production call mix unless short)");
        return 2;
}

return 0;

using System.Text.Json.Serialization;
using Campaigns.Simulator.Callbacks;
using Campaigns.Simulator.Calls;
using Campaigns.Simulator.Endpoints;
using Campaigns.Simulator.Pipeline;

namespace Campaigns.Simulator;

/// <summary>Builds the simulator, for <c>dotnet run</c> and for tests that host it in-process on a real port.</summary>
public static class SimulatorApp
{
    /// <summary>
    /// Builds the app from command-line arguments (<c>--urls</c>, <c>--Simulator:TimeScale=60</c> …),
    /// environment (<c>Simulator__Seed</c> …) and appsettings; <paramref name="configure"/> runs last. <paramref name="time"/>
    /// (default the system clock) stamps when calls are placed and checks UserSig expiry: a test whose workflow time is
    /// skipped gives the clock its worker reads.
    /// </summary>
    public static WebApplication Build(string[] args, Action<SimulatorOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);

        // Request logging would print the query string, which carries the UserSig.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

        var options = new SimulatorOptions();
        builder.Configuration.GetSection(SimulatorOptions.SectionName).Bind(options);
        configure?.Invoke(options);

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(time ?? TimeProvider.System);
        builder.Services.AddSingleton(new VirtualClock(options.TimeScale));
        builder.Services.AddSingleton<CalleePlanner>();
        builder.Services.AddSingleton<RingLog>();
        builder.Services.AddSingleton<CallBook>();
        builder.Services.AddSingleton<RequestStats>();
        builder.Services.AddSingleton<CallbackPlanner>();
        builder.Services.AddSingleton<CallbackSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CallbackSender>());
        builder.Services.AddSingleton<FaultInjector>();
        builder.Services.AddSingleton<UserSigGate>();
        builder.Services.AddSingleton<ApiPipeline>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        app.MapCallEngine();
        app.MapRecords();
        app.MapCallbackConfig();
        app.MapAdmin();
        app.MapGet("/", () => Results.Text("Campaigns Tencent Call simulator: see /admin/calls, /admin/rings, /admin/requests, /admin/faults"));
        return app;
    }
}

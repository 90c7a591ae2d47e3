using Campaigns.Simulator;

// dotnet run --project src/Campaigns.Simulator -- --urls http://127.0.0.1:5080
var app = SimulatorApp.Build(args);
await app.RunAsync().ConfigureAwait(false);

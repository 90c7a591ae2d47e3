using Campaigns.Cli;

// `campaigns`: the operator CLI. Everything is in CampaignsCli so that tests run it in-process.
return await CampaignsCli.RunAsync(args, CliIo.FromSystemConsole()).ConfigureAwait(false);

namespace Campaigns.Demo;

/// <summary>The repository's root folder (the one holding Campaigns.sln), found by walking up.</summary>
public static class RepoRoot
{
    /// <summary>From the current directory, then from the program's own folder; null when run outside a checkout.</summary>
    public static string? Find() => Up(Environment.CurrentDirectory) ?? Up(AppContext.BaseDirectory);

    private static string? Up(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Campaigns.sln")))
            {
                return dir.FullName;
            }
        }

        return null;
    }
}

namespace Campaigns.Deployment.Tests;

/// <summary>Paths in the repository the tests run from (found by walking up to Campaigns.sln).</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string ComposeFile => PathOf("docker-compose.yml");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Campaigns.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Campaigns.sln not found above " + AppContext.BaseDirectory);
    }
}

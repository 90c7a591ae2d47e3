using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// The Dockerfiles, read as text (no engine here to build them): every path they copy exists, every project
/// the published one references is copied, base images are pinned, and nothing secret is set.
/// </summary>
public sealed partial class DockerfileTests
{
    public static TheoryData<string, string> Images => new()
    {
        { "src/Campaigns.Worker/Dockerfile", "src/Campaigns.Worker/Campaigns.Worker.csproj" },
        { "src/Campaigns.Simulator/Dockerfile", "src/Campaigns.Simulator/Campaigns.Simulator.csproj" },
    };

    [Theory]
    [MemberData(nameof(Images))]
    public void Every_copied_path_and_every_project_exists(string dockerfile, string project)
    {
        var lines = Instructions(dockerfile);
        var copied = new List<string>();
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from=", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts)
            {
                Assert.True(File.Exists(Repo.PathOf(source)) || Directory.Exists(Repo.PathOf(source)), $"{dockerfile}: COPY {source}: no such path in the repository");
                copied.Add(source.TrimEnd('/'));
            }
        }

        var projects = lines.SelectMany(l => ProjectPath().Matches(l)).Select(m => m.Value).Distinct().ToList();
        Assert.Contains(project, projects);
        Assert.All(projects, p => Assert.True(File.Exists(Repo.PathOf(p)), $"{dockerfile}: {p} does not exist"));

        // The build stage holds the published project and everything it references, with the central props.
        Assert.Contains("Directory.Build.props", copied);
        Assert.Contains("Directory.Packages.props", copied);
        foreach (var needed in ProjectClosure(project))
        {
            var folder = Path.GetDirectoryName(needed)!.Replace('\\', '/');
            Assert.True(copied.Contains(folder), $"{dockerfile}: the build needs {needed}, but {folder}/ is not copied");
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Base_images_are_pinned_and_nothing_secret_is_baked_in(string dockerfile, string project)
    {
        _ = project;
        var lines = Instructions(dockerfile);
        var from = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, from.Count); // multi-stage: the SDK builds, a runtime image runs
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:", from[0], StringComparison.Ordinal);
        Assert.Matches(@"^FROM mcr\.microsoft\.com/dotnet/(runtime|aspnet):", from[1]);
        foreach (var line in from)
        {
            Assert.Matches(@"^FROM \S+:[0-9]+\.[0-9]+\.[0-9]+(\s+AS\s+\w+)?$", line);
        }

        Assert.DoesNotContain(lines, l => (l.StartsWith("ENV ", StringComparison.Ordinal) || l.StartsWith("ARG ", StringComparison.Ordinal))
            && Regex.IsMatch(l, "secret|password|pwd|api_?key|usersig", RegexOptions.IgnoreCase));
        Assert.Contains(lines, l => l.StartsWith("USER ", StringComparison.Ordinal)); // not root
        Assert.True(File.Exists(Repo.PathOf(dockerfile + ".dockerignore")), $"{dockerfile}.dockerignore keeps local bin/ and obj/ out of the build");
    }

    [Fact]
    public void The_compose_file_builds_with_these_dockerfiles()
    {
        var compose = File.ReadAllText(Repo.ComposeFile);
        Assert.Contains("dockerfile: src/Campaigns.Worker/Dockerfile", compose, StringComparison.Ordinal);
        Assert.Contains("dockerfile: src/Campaigns.Simulator/Dockerfile", compose, StringComparison.Ordinal);
    }

    // The Dockerfile's instructions, continuation lines joined, comments dropped.
    private static List<string> Instructions(string dockerfile)
    {
        var text = File.ReadAllText(Repo.PathOf(dockerfile)).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#'))];
    }

    // The project and every project it references, transitively (repository-relative paths).
    private static HashSet<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            var folder = Path.GetDirectoryName(Repo.PathOf(current))!;
            foreach (var reference in XDocument.Load(Repo.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repo.Root, full).Replace('\\', '/'));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"(src|workflows)/[A-Za-z.]+/[A-Za-z.]+\.csproj")]
    private static partial Regex ProjectPath();
}

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Campaigns.Deployment.Tests;

/// <summary>
/// The documentation as a newcomer meets it: a short README, every docs file it names present, every relative link
/// (and its <c>#anchor</c>) leading somewhere, and no version history in the docs (git keeps that).
/// </summary>
public sealed partial class DocsTests
{
    private const int MaxReadmeLines = 250;

    [Fact]
    public void The_README_is_short()
    {
        var lines = File.ReadAllLines(Repo.PathOf("README.md")).Length;
        Assert.True(lines <= MaxReadmeLines, $"README.md has {lines} lines, at most {MaxReadmeLines}: move reference material into docs/");
    }

    [Fact]
    public void Every_docs_file_the_README_names_exists()
    {
        var named = DocsPath().Matches(File.ReadAllText(Repo.PathOf("README.md"))).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, path => Assert.True(File.Exists(Repo.PathOf(path)), $"README.md names {path}, which does not exist"));
    }

    [Fact]
    public void Every_relative_link_resolves_to_a_file_and_a_heading()
    {
        var problems = new List<string>();
        foreach (var file in Documents())
        {
            foreach (var target in Links(File.ReadAllText(file)))
            {
                if (Problem(file, target) is { } problem)
                {
                    problems.Add($"{Path.GetRelativePath(Repo.Root, file)}: ({target}) {problem}");
                }
            }
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void No_doc_tells_the_history_of_earlier_versions()
    {
        var offenders = Documents()
            .Where(f => File.ReadAllText(f).Contains("before this change", StringComparison.OrdinalIgnoreCase))
            .Select(f => Path.GetRelativePath(Repo.Root, f))
            .ToList();
        Assert.True(offenders.Count == 0, "\"before this change\" in: " + string.Join(", ", offenders));
    }

    [Theory]
    [InlineData("Run a campaign locally", "run-a-campaign-locally")]
    [InlineData("Contact policy (frequency caps)", "contact-policy-frequency-caps")]
    [InlineData("Continue-as-new never stops dispatch, and carries no list", "continue-as-new-never-stops-dispatch-and-carries-no-list")]
    [InlineData("The `campaigns` CLI", "the-campaigns-cli")]
    [InlineData("What a failure means", "what-a-failure-means")]
    public void Slugs_are_GitHubs(string heading, string slug) => Assert.Equal(slug, Slug(heading));

    // README.md, docs/*.md and each project's README: what the link check covers.
    private static List<string> Documents()
    {
        var files = new List<string> { Repo.PathOf("README.md") };
        var docs = Repo.PathOf("docs");
        if (Directory.Exists(docs))
        {
            files.AddRange(Directory.GetFiles(docs, "*.md"));
        }

        files.AddRange(Directory.GetDirectories(Repo.PathOf("src")).Select(d => Path.Combine(d, "README.md")).Where(File.Exists));
        return files;
    }

    // Link targets of [text](target), outside fenced code blocks and inline code; absolute URLs are not checked.
    private static IEnumerable<string> Links(string markdown)
    {
        foreach (var line in Prose(markdown))
        {
            foreach (Match m in Link().Matches(InlineCode().Replace(line, string.Empty)))
            {
                var target = m.Groups[1].Value;
                if (!Uri.TryCreate(target, UriKind.Absolute, out var uri) || uri.IsFile)
                {
                    yield return target;
                }
            }
        }
    }

    private static string? Problem(string from, string target)
    {
        var hash = target.IndexOf('#', StringComparison.Ordinal);
        var path = hash < 0 ? target : target[..hash];
        var anchor = hash < 0 ? null : target[(hash + 1)..];
        var file = path.Length == 0 ? from : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(from)!, Uri.UnescapeDataString(path)));
        if (!File.Exists(file) && !Directory.Exists(file))
        {
            return "no such file";
        }

        if (anchor is null)
        {
            return null;
        }

        if (!file.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            return "an anchor into a file that is not markdown";
        }

        return Anchors(File.ReadAllText(file)).Contains(anchor) ? null : "no heading with that anchor";
    }

    // GitHub's anchors: each heading's slug, a repeated one suffixed -1, -2, …
    private static HashSet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var line in Prose(markdown))
        {
            var heading = Heading().Match(line);
            if (!heading.Success)
            {
                continue;
            }

            var slug = Slug(heading.Groups[1].Value);
            var count = seen.GetValueOrDefault(slug);
            seen[slug] = count + 1;
            anchors.Add(count == 0 ? slug : string.Create(CultureInfo.InvariantCulture, $"{slug}-{count}"));
        }

        return anchors;
    }

    // As GitHub makes it: lower case, markup and punctuation dropped (letters, digits, '_' and '-' stay), spaces to '-'.
    private static string Slug(string heading)
    {
        var text = LinkMarkup().Replace(heading.Trim(), "$1");
        var slug = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '-')
            {
                slug.Append(c);
            }
            else if (c == ' ')
            {
                slug.Append('-');
            }
        }

        return slug.ToString();
    }

    // The lines outside fenced code blocks.
    private static IEnumerable<string> Prose(string markdown)
    {
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced)
            {
                yield return line;
            }
        }
    }

    [GeneratedRegex(@"docs/[A-Za-z0-9._-]+\.md")]
    private static partial Regex DocsPath();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(.+?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkMarkup();
}

using System.Text;
using System.Text.RegularExpressions;

namespace Microservices.UnitTests.Docker;

/// <summary>
/// A build context's .dockerignore, matched as Docker matches it: each pattern is cleaned (a trailing slash and a
/// leading one dropped) and matched against the context-relative path and every directory above it; <c>*</c> and
/// <c>?</c> stay within one path segment, <c>**</c> spans any number of them; the last matching line wins, and a
/// line starting with <c>!</c> takes a path back in.
/// </summary>
public sealed class DockerIgnore
{
    private readonly List<(string Pattern, Regex Match, bool Include)> _rules = [];

    private DockerIgnore(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var include = line.StartsWith('!');
            var pattern = Clean(include ? line[1..] : line);
            if (pattern.Length > 0)
            {
                _rules.Add((line, new Regex(ToRegex(pattern), RegexOptions.CultureInvariant), include));
            }
        }
    }

    /// <summary>The .dockerignore of <paramref name="context"/>; none means nothing is ignored.</summary>
    public static DockerIgnore Of(string context)
    {
        var path = Path.Combine(context, ".dockerignore");
        return new DockerIgnore(File.Exists(path) ? File.ReadAllLines(path) : []);
    }

    public static DockerIgnore Parse(string text) => new(text.ReplaceLineEndings("\n").Split('\n'));

    /// <summary>The line that leaves <paramref name="relativePath"/> out of the context, or null when it is sent.</summary>
    public string? ExcludedBy(string relativePath)
    {
        var path = Clean(relativePath.Replace('\\', '/'));
        var candidates = new List<string>();
        for (var prefix = path; prefix.Length > 0; prefix = prefix.Contains('/', StringComparison.Ordinal) ? prefix[..prefix.LastIndexOf('/')] : "")
        {
            candidates.Add(prefix);
        }

        string? excludedBy = null;
        foreach (var (pattern, match, include) in _rules)
        {
            if (candidates.Any(match.IsMatch))
            {
                excludedBy = include ? null : pattern;
            }
        }

        return excludedBy;
    }

    private static string Clean(string pattern)
    {
        var cleaned = pattern.Trim().Replace('\\', '/');
        while (cleaned.StartsWith("./", StringComparison.Ordinal))
        {
            cleaned = cleaned[2..];
        }

        return cleaned.Trim('/');
    }

    private static string ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                {
                    i++;
                    regex.Append("(?:.*/)?"); // "**/": any number of directories, none included
                }
                else
                {
                    regex.Append(".*");
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return regex.Append('$').ToString();
    }
}

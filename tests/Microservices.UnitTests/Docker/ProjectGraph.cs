using System.Xml.Linq;

namespace Microservices.UnitTests.Docker;

/// <summary>
/// What building a project reads from the source tree, found from the project files themselves: the projects it
/// references (transitively, including those built but not referenced, <c>ReferenceOutputAssembly="false"</c>), the
/// source files of each, the files MSBuild and the SDK pick up from the directories above them, and any item a
/// project includes from outside its own directory.
/// </summary>
public static class ProjectGraph
{
    /// <summary>Files MSBuild, NuGet, the SDK and the analyzers read from a project's directory and every one above it.</summary>
    private static readonly string[] BuildSettings =
        ["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "global.json", "NuGet.config", "nuget.config", ".editorconfig"];

    /// <summary>Item kinds that name something other than a file of the source tree.</summary>
    private static readonly HashSet<string> NotFiles = new(StringComparer.Ordinal)
    {
        "ProjectReference", "PackageReference", "PackageVersion", "FrameworkReference", "InternalsVisibleTo", "Using", "Reference",
    };

    /// <summary>The project and every project it references, directly or not, as full paths of their project files.</summary>
    public static IReadOnlyList<string> Closure(string project)
    {
        var found = new List<string>();
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var next))
        {
            if (found.Contains(next, StringComparer.Ordinal))
            {
                continue;
            }

            found.Add(next);
            foreach (var reference in Items(next, "ProjectReference"))
            {
                pending.Push(reference);
            }
        }

        return found;
    }

    /// <summary>
    /// The files of the tree that building <paramref name="project"/> reads, as full paths: for each project in its
    /// closure, the project file, its C# and JSON files outside bin/ and obj/, the build settings above it up to
    /// <paramref name="root"/>, and the files it includes from elsewhere.
    /// </summary>
    public static IReadOnlyList<string> FilesRead(string project, string root)
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var member in Closure(project))
        {
            files.Add(member);
            var directory = Path.GetDirectoryName(member)!;
            if (Directory.Exists(directory))
            {
                foreach (var source in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                             .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal))
                             .Where(f => !IsBuildOutput(Path.GetRelativePath(directory, f))))
                {
                    files.Add(source);
                }
            }

            for (var above = directory; above is not null && IsUnder(above, root); above = Path.GetDirectoryName(above))
            {
                foreach (var setting in BuildSettings.Select(name => Path.Combine(above, name)).Where(File.Exists))
                {
                    files.Add(setting);
                }
            }

            foreach (var outside in ItemsOutsideTheProject(member))
            {
                files.Add(outside);
            }
        }

        return [.. files];
    }

    /// <summary>The assembly a project builds: its AssemblyName, else its file name.</summary>
    public static string AssemblyName(string project) =>
        XDocument.Load(project).Descendants().FirstOrDefault(e => e.Name.LocalName == "AssemblyName")?.Value.Trim()
        ?? Path.GetFileNameWithoutExtension(project);

    public static bool IsUnder(string path, string directory)
    {
        var relative = Path.GetRelativePath(directory, path);
        return relative == "." || (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative));
    }

    private static bool IsBuildOutput(string relativePath) =>
        relativePath.Replace('\\', '/').Split('/') is [var first, ..] && first is "bin" or "obj";

    private static IEnumerable<string> Items(string project, string kind) =>
        XDocument.Load(project).Descendants()
            .Where(e => e.Name.LocalName == kind && e.Attribute("Include") is not null)
            .SelectMany(e => e.Attribute("Include")!.Value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(include => include.Contains("$(", StringComparison.Ordinal) || include.Contains("@(", StringComparison.Ordinal)
                ? throw new NotSupportedException($"{project}: the {kind} '{include}' needs MSBuild to evaluate it; name the path itself.")
                : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(project)!, include.Replace('\\', '/'))));

    /// <summary>
    /// Items such as <c>&lt;None Include="../../README.md" /&gt;</c>: files from outside the project's directory. A
    /// wildcard stands for the directory before it.
    /// </summary>
    private static IEnumerable<string> ItemsOutsideTheProject(string project)
    {
        var directory = Path.GetDirectoryName(project)!;
        var kinds = XDocument.Load(project).Descendants()
            .Where(e => e.Parent?.Name.LocalName == "ItemGroup" && !NotFiles.Contains(e.Name.LocalName) && e.Attribute("Include") is not null)
            .Select(e => e.Name.LocalName)
            .Distinct();
        foreach (var include in kinds.SelectMany(kind => Items(project, kind)))
        {
            var wildcard = include.IndexOfAny(['*', '?']);
            var path = wildcard < 0 ? include : Path.GetDirectoryName(include[..wildcard])!;
            if (!IsUnder(path, directory))
            {
                yield return path;
            }
        }
    }
}

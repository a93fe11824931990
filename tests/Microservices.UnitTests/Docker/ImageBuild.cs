using System.Text.RegularExpressions;

namespace Microservices.UnitTests.Docker;

/// <summary>
/// One image as compose builds it: the build context (less what .dockerignore leaves out), the Dockerfile's COPY
/// instructions from it, and the project its <c>dotnet publish</c> names. Says, without a Docker engine, which files
/// the build of that project reads that would not be in the image where the build looks for them.
/// </summary>
public sealed class ImageBuild
{
    private readonly DockerIgnore _ignore;

    public ImageBuild(string context, DockerfileText dockerfile, DockerIgnore ignore)
    {
        Context = Path.GetFullPath(context);
        Dockerfile = dockerfile;
        _ignore = ignore;
    }

    public string Context { get; }

    public DockerfileText Dockerfile { get; }

    public static ImageBuild Of(ComposeService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Context is null || service.Dockerfile is null)
        {
            throw new ArgumentException($"{service.Name} is not built by compose.", nameof(service));
        }

        return new ImageBuild(service.Context, DockerfileText.Read(service.Dockerfile), DockerIgnore.Of(service.Context));
    }

    /// <summary>The one <c>dotnet publish</c> of the Dockerfile, and the project file it names, in the image.</summary>
    public (DockerInstruction Run, string ImagePath) Publish =>
        Dockerfile.Publishes().ToList() is [var only] ? only
        : throw new InvalidOperationException($"{Dockerfile.Path}: expected one 'RUN dotnet publish <project>.csproj', found {Dockerfile.Publishes().Count()}.");

    /// <summary>The published project as a full path in the source tree, from the COPY that put it in the image; null if none did.</summary>
    public string? PublishedProject
    {
        get
        {
            var (run, imagePath) = Publish;
            return SourceOf(imagePath, run) is { } relative ? Path.GetFullPath(Path.Combine(Context, relative)) : null;
        }
    }

    /// <summary>
    /// Every file that building the published project reads and that the image lacks where the build looks for it,
    /// with the reason: outside the context, left out by .dockerignore, or not copied (or copied elsewhere).
    /// </summary>
    public IReadOnlyList<string> Missing()
    {
        var (run, imagePath) = Publish;
        var project = PublishedProject;
        if (project is null || !File.Exists(project))
        {
            return [$"{imagePath}: the published project is not copied from the context, or does not exist there"];
        }

        // Where the context's root lies in the image, as the published project's copy puts it: the build finds the
        // other projects through relative paths, so each must sit at the same place relative to it.
        var projectInContext = Relative(project);
        if (!imagePath.EndsWith("/" + projectInContext, StringComparison.Ordinal))
        {
            return [$"{imagePath}: copied from {projectInContext} to another place relative to the context's root, so its relative references break"];
        }

        var treeInImage = imagePath[..^(projectInContext.Length + 1)];
        var missing = new List<string>();
        foreach (var file in ProjectGraph.FilesRead(project, Context))
        {
            if (!ProjectGraph.IsUnder(file, Context))
            {
                missing.Add($"{file}: outside the build context {Context}");
                continue;
            }

            var relative = Relative(file);
            if (_ignore.ExcludedBy(relative) is { } pattern)
            {
                missing.Add($"{relative}: left out of the context by .dockerignore line '{pattern}'");
            }
            else if (SourceOf($"{treeInImage}/{relative}", run) != relative)
            {
                missing.Add($"{relative}: not copied to {treeInImage}/{relative} before '{run.Text}'");
            }
        }

        return Summarized(missing, project);
    }

    /// <summary>A project whose project file is missing is one line, not one per source file.</summary>
    private List<string> Summarized(List<string> missing, string project)
    {
        var summary = new List<string>(missing);
        foreach (var member in ProjectGraph.Closure(project).Select(Relative))
        {
            if (summary.FindIndex(m => m.StartsWith(member + ":", StringComparison.Ordinal)) is var index and >= 0 && member.LastIndexOf('/') is var slash and > 0)
            {
                var directory = member[..(slash + 1)];
                var others = summary.RemoveAll(m => m.StartsWith(directory, StringComparison.Ordinal) && !m.StartsWith(member + ":", StringComparison.Ordinal));
                if (others > 0)
                {
                    index = summary.FindIndex(m => m.StartsWith(member + ":", StringComparison.Ordinal));
                    summary[index] += $" (and {others} more files of that project)";
                }
            }
        }

        return summary;
    }

    /// <summary>The context-relative path the last COPY before <paramref name="run"/> put at <paramref name="imagePath"/>.</summary>
    private string? SourceOf(string imagePath, DockerInstruction run)
    {
        string? source = null;
        foreach (var copy in Dockerfile.Before(run).Where(i => i.Keyword is "COPY" or "ADD"))
        {
            foreach (var (from, landing, isDirectory) in Copies(copy))
            {
                if (landing == imagePath)
                {
                    source = from;
                }
                else if (isDirectory && (landing == "/" || imagePath.StartsWith(landing + "/", StringComparison.Ordinal)))
                {
                    var rest = imagePath[(landing == "/" ? 1 : landing.Length + 1)..];
                    source = from.Length == 0 ? rest : $"{from}/{rest}";
                }
            }
        }

        return source;
    }

    /// <summary>What one COPY from the context puts where: each source (context-relative, "" for the root) and where it lands.</summary>
    private IEnumerable<(string Source, string Landing, bool IsDirectory)> Copies(DockerInstruction copy)
    {
        var flags = copy.Arguments.TakeWhile(a => a.StartsWith("--", StringComparison.Ordinal)).ToList();
        if (flags.Any(f => f.StartsWith("--from", StringComparison.Ordinal)))
        {
            yield break; // from another stage or image, not from the context
        }

        if (flags.FirstOrDefault(f => !f.StartsWith("--chown", StringComparison.Ordinal) && !f.StartsWith("--chmod", StringComparison.Ordinal)
                && !f.StartsWith("--link", StringComparison.Ordinal)) is { } unknown)
        {
            throw new NotSupportedException($"{Dockerfile.Path}: '{copy.Text}': the check does not know what {unknown} copies; extend ImageBuild.");
        }

        var words = copy.Arguments.Skip(flags.Count).ToList();
        if (words.Count < 2)
        {
            throw new InvalidOperationException($"{Dockerfile.Path}: '{copy.Text}' names no source and destination.");
        }

        var sources = words[..^1].SelectMany(Expand).ToList();
        var destination = DockerfileText.Join(copy.WorkingDirectory, words[^1]);
        var intoDirectory = words[^1].EndsWith('/') || words[^1] is "." or ".." || sources.Count > 1 || words[..^1].Any(HasWildcard);
        foreach (var source in sources)
        {
            var isDirectory = Directory.Exists(Path.Combine(Context, source));
            var landing = isDirectory || !intoDirectory ? destination : DockerfileText.Join(destination, Path.GetFileName(source));
            yield return (source, landing, isDirectory);
        }
    }

    /// <summary>A COPY source as context-relative paths: itself, or what its wildcard matches in its directory.</summary>
    private IEnumerable<string> Expand(string source)
    {
        var relative = DockerfileText.Join("/", source).TrimStart('/');
        if (!HasWildcard(relative))
        {
            return [relative];
        }

        var slash = relative.LastIndexOf('/');
        var (directory, name) = slash < 0 ? ("", relative) : (relative[..slash], relative[(slash + 1)..]);
        if (HasWildcard(directory))
        {
            throw new NotSupportedException($"{Dockerfile.Path}: the source '{source}' has a wildcard above its last segment; extend ImageBuild.");
        }

        var match = new Regex("^" + Regex.Escape(name).Replace(@"\*", "[^/]*", StringComparison.Ordinal).Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$");
        var full = Path.Combine(Context, directory);
        return Directory.Exists(full)
            ? Directory.EnumerateFileSystemEntries(full).Select(Path.GetFileName).Where(n => match.IsMatch(n!)).Select(n => directory.Length == 0 ? n! : $"{directory}/{n}")
            : [];
    }

    private static bool HasWildcard(string path) => path.IndexOfAny(['*', '?', '[']) >= 0;

    private string Relative(string path) => Path.GetRelativePath(Context, path).Replace('\\', '/');
}

using System.Text.Json;
using System.Text.RegularExpressions;

namespace Microservices.UnitTests.Docker;

/// <summary>One instruction of a Dockerfile, with the stage it belongs to and the working directory it runs in.</summary>
/// <param name="Stage">The index of its build stage (each FROM starts one).</param>
/// <param name="WorkingDirectory">The absolute WORKDIR in force ("/" before any).</param>
/// <param name="Arguments">The words after the keyword: the JSON array's items, or the text split on white space.</param>
public sealed record DockerInstruction(int Stage, string Keyword, string WorkingDirectory, IReadOnlyList<string> Arguments, string Text);

/// <summary>
/// A Dockerfile read as BuildKit reads the parts that matter here: comments and line continuations, stages, WORKDIR,
/// COPY/ADD from the build context, RUN, ENV, EXPOSE and ENTRYPOINT. What it does not understand it refuses, naming
/// the instruction, rather than guess: a check that guesses could pass a file that does not build.
/// </summary>
public sealed partial class DockerfileText
{
    private DockerfileText(string path, IReadOnlyList<DockerInstruction> instructions, IReadOnlyList<int?> stageBases)
    {
        Path = path;
        Instructions = instructions;
        StageBases = stageBases;
    }

    public string Path { get; }

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    /// <summary>For each stage, the index of the earlier stage it is built FROM, or null for an image.</summary>
    private IReadOnlyList<int?> StageBases { get; }

    public static DockerfileText Read(string path) => Parse(path, File.ReadAllText(path));

    public static DockerfileText Parse(string path, string text)
    {
        var instructions = new List<DockerInstruction>();
        var stageNames = new List<string>();
        var stageBases = new List<int?>();
        var workingDirectory = "/";
        foreach (var line in LogicalLines(text))
        {
            var keyword = line.Split(' ', 2)[0].ToUpperInvariant();
            var rest = line.Length > keyword.Length ? line[keyword.Length..].Trim() : "";
            var arguments = rest.StartsWith('[') ? JsonSerializer.Deserialize<string[]>(rest)! : rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (keyword == "FROM")
            {
                var named = arguments.Length >= 3 && arguments[^2].Equals("AS", StringComparison.OrdinalIgnoreCase) ? arguments[^1] : null;
                var image = arguments.First(a => !a.StartsWith("--", StringComparison.Ordinal));
                var baseStage = stageNames.IndexOf(image);
                stageBases.Add(baseStage < 0 ? null : baseStage);
                stageNames.Add(named ?? $"#{stageNames.Count}");
                workingDirectory = baseStage < 0 ? "/" : LastWorkingDirectory(instructions, baseStage);
            }
            else if (keyword == "WORKDIR")
            {
                workingDirectory = Join(workingDirectory, rest);
            }

            instructions.Add(new DockerInstruction(stageNames.Count - 1, keyword, workingDirectory, arguments, line));
        }

        return new DockerfileText(path, instructions, stageBases);
    }

    /// <summary>The instructions of the stage <paramref name="instruction"/> is in, and of the stages it builds on, up to it.</summary>
    public IEnumerable<DockerInstruction> Before(DockerInstruction instruction)
    {
        var stages = new HashSet<int>();
        for (int? stage = instruction.Stage; stage is { } s; stage = StageBases[s])
        {
            stages.Add(s);
        }

        return Instructions.TakeWhile(i => !ReferenceEquals(i, instruction)).Where(i => stages.Contains(i.Stage));
    }

    /// <summary>The project each <c>dotnet publish</c> names: the first argument ending in .csproj, as an absolute path in the image.</summary>
    public IEnumerable<(DockerInstruction Run, string Project)> Publishes() =>
        from run in Instructions
        where run.Keyword == "RUN"
        let words = run.Arguments.ToList()
        let publish = words.FindIndex(w => w == "publish")
        where publish > 0 && words[publish - 1] == "dotnet"
        let project = words.Skip(publish + 1).FirstOrDefault(w => w.EndsWith(".csproj", StringComparison.Ordinal))
        select (run, project is null ? "" : Join(run.WorkingDirectory, project));

    /// <summary>The last stage's ENV value of <paramref name="name"/>, if it sets one (the form NAME=value).</summary>
    public string? FinalEnvironment(string name) =>
        Instructions.Where(i => i.Keyword == "ENV" && i.Stage == LastStage)
            .SelectMany(i => i.Arguments)
            .Where(a => a.StartsWith(name + "=", StringComparison.Ordinal))
            .Select(a => a[(name.Length + 1)..])
            .LastOrDefault();

    public IEnumerable<string> FinalExposedPorts() =>
        Instructions.Where(i => i.Keyword == "EXPOSE" && i.Stage == LastStage).SelectMany(i => i.Arguments).Select(p => p.Split('/')[0]);

    public IReadOnlyList<string> FinalEntrypoint() =>
        Instructions.LastOrDefault(i => i.Keyword == "ENTRYPOINT" && i.Stage == LastStage)?.Arguments ?? [];

    private int LastStage => Instructions.Count == 0 ? 0 : Instructions[^1].Stage;

    /// <summary>An absolute path in the image: <paramref name="path"/> resolved against <paramref name="directory"/>, normalized.</summary>
    public static string Join(string directory, string path)
    {
        var parts = new List<string>();
        foreach (var part in (path.StartsWith('/') ? path : directory + "/" + path).Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    private static string LastWorkingDirectory(List<DockerInstruction> instructions, int stage) =>
        instructions.LastOrDefault(i => i.Stage == stage)?.WorkingDirectory ?? "/";

    private static IEnumerable<string> LogicalLines(string text)
    {
        var pending = "";
        foreach (var raw in text.ReplaceLineEndings("\n").Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('#'))
            {
                continue; // a comment, or a parser directive: neither changes what is copied
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }

            var logical = Spaces().Replace(pending + line, " ").Trim();
            pending = "";
            if (logical.Length > 0)
            {
                yield return logical;
            }
        }

        if (pending.Trim().Length > 0)
        {
            yield return pending.Trim();
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}

using System.Text;
using System.Text.RegularExpressions;

namespace Microservices.SingleTable;

/// <summary>
/// A key template such as <c>BOOK#{title}</c>: literal text with named parts. Every part's value goes through
/// <see cref="KeyText.Encode"/>, so user text can neither widen a begins_with query nor collide with another
/// item type. Ids and zero-padded numbers contain no character that needs escaping and come out as they went in.
/// </summary>
public sealed partial class KeyTemplate
{
    private readonly List<(string Literal, string? Part)> _segments = [];

    public KeyTemplate(string template)
    {
        ArgumentException.ThrowIfNullOrEmpty(template);
        Template = template;
        var position = 0;
        foreach (Match match in PartPattern().Matches(template))
        {
            _segments.Add((template[position..match.Index], match.Groups[1].Value));
            position = match.Index + match.Length;
        }

        if (position < template.Length)
        {
            _segments.Add((template[position..], null));
        }

        Parts = _segments.Where(s => s.Part is not null).Select(s => s.Part!).ToList();
    }

    /// <summary>The template as declared, e.g. <c>AUTHOR#{authorId}</c>.</summary>
    public string Template { get; }

    public IReadOnlyList<string> Parts { get; }

    /// <summary>The literal text before the first part: what tells this item type's keys apart.</summary>
    public string Prefix => _segments.Count == 0 ? "" : _segments[0].Literal;

    /// <summary>The key with every part filled in, in the order the parts appear.</summary>
    public string Build(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != Parts.Count)
        {
            throw new ArgumentException($"Key template {Template} has {Parts.Count} part(s), got {values.Length} value(s).", nameof(values));
        }

        return Fill(values, complete: true);
    }

    /// <summary>
    /// The start of every key whose leading parts are <paramref name="values"/>, the last of which may itself be a
    /// prefix (a title's first letters, say), for a begins_with condition.
    /// </summary>
    public string StartingWith(params string[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length > Parts.Count)
        {
            throw new ArgumentException($"Key template {Template} has {Parts.Count} part(s), got {values.Length} value(s).", nameof(values));
        }

        return Fill(values, complete: false);
    }

    public override string ToString() => Template;

    private string Fill(string[] values, bool complete)
    {
        var key = new StringBuilder();
        var next = 0;
        foreach (var (literal, part) in _segments)
        {
            key.Append(literal);
            if (part is null)
            {
                continue;
            }

            if (next == values.Length)
            {
                return key.ToString();
            }

            key.Append(KeyText.Encode(values[next++]));
            if (!complete && next == values.Length)
            {
                return key.ToString();
            }
        }

        return key.ToString();
    }

    [GeneratedRegex(@"\{([A-Za-z][A-Za-z0-9]*)\}")]
    private static partial Regex PartPattern();
}

using System.Globalization;
using System.Text;

namespace Microservices.SingleTable;

/// <summary>
/// Encodes user text before it enters a key. The key delimiter '#', the escape '%' and control characters are
/// percent-escaped one character at a time, so the encoding is prefix-preserving: begins_with on an encoded
/// prefix matches exactly the texts that start with that prefix, and no text can reach into the next key segment.
/// </summary>
public static class KeyText
{
    public const char Delimiter = '#';
    private const char Escape = '%';

    public static string Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!text.Any(NeedsEscape))
        {
            return text;
        }

        var encoded = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (NeedsEscape(c))
            {
                encoded.Append(Escape).Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                encoded.Append(c);
            }
        }

        return encoded.ToString();
    }

    public static string Decode(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (!encoded.Contains(Escape, StringComparison.Ordinal))
        {
            return encoded;
        }

        var text = new StringBuilder(encoded.Length);
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] == Escape && i + 2 < encoded.Length)
            {
                text.Append((char)int.Parse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            else
            {
                text.Append(encoded[i]);
            }
        }

        return text.ToString();
    }

    private static bool NeedsEscape(char c) => c is Delimiter or Escape || char.IsControl(c);
}

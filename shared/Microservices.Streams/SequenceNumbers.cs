namespace Microservices.Streams;

/// <summary>Sequence numbers are decimal strings of up to 40 digits; they order by length first, then digit by digit.</summary>
public static class SequenceNumbers
{
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var byLength = left.TrimStart('0').Length.CompareTo(right.TrimStart('0').Length);
        return byLength != 0 ? byLength : string.CompareOrdinal(left.TrimStart('0'), right.TrimStart('0'));
    }
}

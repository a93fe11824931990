namespace Microservices.Schema;

/// <summary>The values of <see cref="Attributes.CountState"/> on a BookCountMarker.</summary>
public static class CountStates
{
    /// <summary>The book is in its author's BookCount.</summary>
    public const string Counted = "counted";

    /// <summary>The book is deleted: it is not in the count and never will be again.</summary>
    public const string Removed = "removed";
}

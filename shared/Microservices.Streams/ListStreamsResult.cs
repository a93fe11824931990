namespace Microservices.Streams;

public sealed record ListStreamsResult
{
    public IReadOnlyList<StreamSummary> Streams { get; init; } = [];

    /// <summary>Set when there are more streams; pass it as exclusiveStartStreamArn for the next page.</summary>
    public string? LastEvaluatedStreamArn { get; init; }
}

/// <param name="StreamLabel">The creation timestamp that tells apart successive streams of one table.</param>
public sealed record StreamSummary(string StreamArn, string TableName, string StreamLabel);

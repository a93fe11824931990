namespace Microservices.Streams.Lambda;

/// <summary>The values of <see cref="DynamoDbStreamRecord.EventName"/>.</summary>
public static class StreamEventName
{
    public const string Insert = "INSERT";
    public const string Modify = "MODIFY";
    public const string Remove = "REMOVE";
}

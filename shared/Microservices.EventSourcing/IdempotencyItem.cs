using Microservices.SingleTable;

namespace Microservices.EventSourcing;

/// <summary>
/// How a create's Idempotency-Key is stored in the single table: one item per service and key, written in progress
/// before the create runs and completed with its answer in the create's own transaction (<see cref="IdempotentCreates"/>).
/// </summary>
public static class IdempotencyItem
{
    /// <summary>The value of <see cref="TableLayout.ItemType"/> on every idempotency item.</summary>
    public const string ItemType = "Idempotency";

    public const string RequestHash = "RequestHash";
    public const string State = "IdempotencyState";
    public const string LockToken = "LockToken";
    public const string LockedUntil = "LockedUntil";
    public const string Response = "Response";
    public const string RecordedAt = "RecordedAt";

    public static readonly KeyTemplate PartitionKey = new("IDEMPOTENCY#{service}#{key}");

    public static readonly KeyTemplate SortKey = new("IDEMPOTENCY#");

    /// <summary>PK = IDEMPOTENCY#{service}#{key}, so services never share a key.</summary>
    public static ItemKey Key(string service, string idempotencyKey) => new(PartitionKey.Build(service, idempotencyKey), SortKey.Build());
}

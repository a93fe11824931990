namespace Microservices.SingleTable;

/// <summary>How an attribute is stored: DynamoDB's own type descriptors.</summary>
public enum AttributeKind
{
    S,
    N,
    BOOL,
    M,
    L,
}

/// <param name="Required">False for attributes only some items of the type carry.</param>
public sealed record AttributeSpec(string Name, AttributeKind Kind, string Description, bool Required = true);

/// <summary>A key of the overloaded GSI1 that an item type writes (GSI1PK, GSI1SK).</summary>
public sealed record IndexKeySpec(string IndexName, KeyTemplate PartitionKey, KeyTemplate SortKey);

/// <summary>
/// An attribute that is a copy: it holds <paramref name="SourceAttribute"/> of the item of type
/// <paramref name="SourceItemType"/> it came from, and <paramref name="VersionAttribute"/> on the copy records which
/// version of that source it was taken from, so a stale write can be refused.
/// </summary>
public sealed record CopySpec(string Attribute, string SourceItemType, string SourceAttribute, string VersionAttribute);

/// <summary>
/// One item type of the single table: who writes it, its key templates, its index keys, its attributes and which
/// of them are copies. <paramref name="Sample"/> fills the key parts and attributes of the example item that the
/// generated data model shows. <paramref name="TimeToLive"/> names the attribute (epoch seconds) after which DynamoDB
/// may delete an item of the type, or null when its items live until a write removes them.
/// </summary>
public sealed record ItemTypeSpec(
    string Name,
    string Owner,
    string Description,
    KeyTemplate PartitionKey,
    KeyTemplate SortKey,
    IndexKeySpec? Index,
    IReadOnlyList<AttributeSpec> Attributes,
    IReadOnlyList<CopySpec> Copies,
    IReadOnlyDictionary<string, string> Sample,
    string? TimeToLive = null);

/// <summary>
/// An access pattern and the one request that serves it: the operation, the index (null for the table), the key
/// condition and the filter, as the code sends them.
/// </summary>
public sealed record AccessPatternSpec(
    string Name,
    string Service,
    string Operation,
    string? Index,
    string KeyCondition,
    string? Filter,
    string ItemTypes);

namespace Microservices.SingleTable;

/// <summary>
/// The shape of a single table: a string partition key and sort key, overloaded global secondary indexes whose keys
/// each item type fills in its own way (GSI1 from the start, GSI2 added to a live table by a migration), and an item
/// type attribute on every item, which tells a reader (and a stream consumer's filter) what an item is.
/// </summary>
public static class TableLayout
{
    public const string PK = "PK";
    public const string SK = "SK";
    public const string Gsi1 = "GSI1";
    public const string GSI1PK = "GSI1PK";
    public const string GSI1SK = "GSI1SK";
    public const string Gsi2 = "GSI2";
    public const string GSI2PK = "GSI2PK";
    public const string GSI2SK = "GSI2SK";
    public const string ItemType = "ItemType";
}

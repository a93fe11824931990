namespace Microservices.SingleTable;

/// <summary>A primary key of the single table.</summary>
public readonly record struct ItemKey(string PK, string SK);

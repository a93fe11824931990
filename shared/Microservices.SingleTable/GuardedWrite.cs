using Amazon.DynamoDBv2.Model;

namespace Microservices.SingleTable;

/// <summary>
/// A write that travels in the same transaction as the events, and what its failed condition means to the
/// caller (a missing parent is a 404, a taken title a 409...).
/// </summary>
public sealed record GuardedWrite(TransactWriteItem Item, Func<Exception> WhenConditionFails);

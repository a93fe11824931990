using Microservices.Streams.Lambda;

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// A stream handler that records what it is given. It can fail a record once (a flaky dependency) or every time
/// (a poison record), either by reporting it in batchItemFailures or by throwing, as handlers do.
/// </summary>
public sealed class RecordingHandler : IDynamoDbStreamHandler
{
    private readonly Lock _gate = new();
    private readonly List<DynamoDbStreamRecord> _delivered = [];
    private readonly List<string> _handled = [];
    private readonly List<int> _batchSizes = [];
    private readonly HashSet<string> _failedOnce = new(StringComparer.Ordinal);

    public string? FailOnceAt { get; init; }

    /// <summary>Keys that fail on every delivery until <see cref="Cure"/> is called.</summary>
    public HashSet<string> Poison { get; } = new(StringComparer.Ordinal);

    public bool ThrowOnFailure { get; init; }

    public IReadOnlyList<DynamoDbStreamRecord> Delivered { get { lock (_gate) { return [.. _delivered]; } } }

    /// <summary>Keys handled successfully, in the order they were.</summary>
    public IReadOnlyList<string> Handled { get { lock (_gate) { return [.. _handled]; } } }

    public IReadOnlyList<int> BatchSizes { get { lock (_gate) { return [.. _batchSizes]; } } }

    public int DeliveriesOf(string pk) => Delivered.Count(r => Pk(r) == pk);

    public void Cure()
    {
        lock (_gate)
        {
            Poison.Clear();
        }
    }

    public static string Pk(DynamoDbStreamRecord record) => record.Dynamodb.Keys![Attributes.PK].S;

    public Task<StreamsEventResponse> HandleAsync(DynamoDbEvent streamEvent, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _batchSizes.Add(streamEvent.Records.Count);
            var handledHere = new List<string>();
            foreach (var record in streamEvent.Records)
            {
                _delivered.Add(record);
                var pk = Pk(record);
                if (Poison.Contains(pk) || (pk == FailOnceAt && _failedOnce.Add(pk)))
                {
                    if (ThrowOnFailure)
                    {
                        // A throwing handler gets nothing in the batch acknowledged.
                        throw new InvalidOperationException($"Cannot handle {pk} (injected by the test).");
                    }

                    _handled.AddRange(handledHere);
                    return Task.FromResult(StreamsEventResponse.FailedFrom(record));
                }

                handledHere.Add(pk);
            }

            _handled.AddRange(handledHere);
            return Task.FromResult(StreamsEventResponse.Success);
        }
    }
}

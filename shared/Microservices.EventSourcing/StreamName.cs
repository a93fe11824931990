
namespace Microservices.EventSourcing;

/// <summary>Names one aggregate's event stream, e.g. ("author", "0193…").</summary>
public readonly record struct StreamName(string Type, string Id)
{
    public string Partition => EventItem.StreamPartition(Type, Id);

    public override string ToString() => $"{Type}-{Id}";
}

using Microservices.Migrations;
using Microservices.Schema.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orders.Domain;

/// <summary>Where an order's head and lines are kept: in the client's partition (before migration 3), or in the order's own.</summary>
public enum OrderShape
{
    ClientPartition,
    OrderPartition,
}

/// <summary>
/// How to write and read orders as migration 3 (<see cref="OrderPartitions"/>) stands on the table now.
/// <see cref="Write"/> is where a new order goes. <see cref="Reads"/> is where to look for one order, in the order to
/// look: the place a running migration moves orders from first, so an order moved between the two reads is found in
/// the second (it can move only that way), never in neither. <see cref="Lists"/> is where a client's orders are: one
/// place when the table is steady, both while a run is under way.
/// </summary>
public sealed record OrderPlan(OrderShape Write, IReadOnlyList<OrderShape> Reads, IReadOnlyList<OrderShape> Lists);

/// <summary>
/// Reads migration 3's state (<see cref="MigrationStates"/>, at most a couple of seconds old) and says where orders
/// are. A service switches where it writes new orders only <see cref="Settle"/> after a run started, by which time
/// every reader has seen the run and reads both places; the runner waits longer still before it moves anything.
/// </summary>
public sealed class OrderLayout(MigrationStates states, TimeProvider clock)
{
    public static readonly TimeSpan Settle = MigrationStates.RefreshInterval + TimeSpan.FromSeconds(1);

    private static readonly OrderShape[] OldFirst = [OrderShape.ClientPartition, OrderShape.OrderPartition];
    private static readonly OrderShape[] NewFirst = [OrderShape.OrderPartition, OrderShape.ClientPartition];

    public async ValueTask<OrderPlan> CurrentAsync(CancellationToken cancellationToken)
    {
        var record = await states.RecordAsync(OrderPartitions.Number, cancellationToken);
        var settled = record is not null && clock.GetUtcNow() - record.StartedAt >= Settle;
        return record switch
        {
            null or { State: MigrationState.Reverted } => new(OrderShape.ClientPartition, OldFirst, [OrderShape.ClientPartition]),
            { State: MigrationState.Applied } => new(OrderShape.OrderPartition, NewFirst, [OrderShape.OrderPartition]),
            { Direction: MigrationDirection.Up } => new(settled ? OrderShape.OrderPartition : OrderShape.ClientPartition, OldFirst, OldFirst),
            _ => new(settled ? OrderShape.ClientPartition : OrderShape.OrderPartition, NewFirst, NewFirst),
        };
    }
}

public static class OrderLayoutServiceCollectionExtensions
{
    /// <summary>What the Orders service and worker need to follow migration 3: its state, the layout, the reader.</summary>
    public static IServiceCollection AddOrderLayout(this IServiceCollection services)
    {
        services.AddTableMigrations();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OrderLayout>();
        services.TryAddSingleton<OrderReader>();
        return services;
    }
}

using Microservices.Shared.Streams;

namespace Catalog.Worker;

public static class GenreCopiesModule
{
    public const string ConsumerName = "catalog-genre-copies";

    public static IServiceCollection AddGenreCopies(this IServiceCollection services, Action<StreamConsumerOptions>? configure = null)
    {
        services.AddSingleton<GenreCopyWriter>();
        return services.AddStreamConsumer<GenreCopyProjection>(ConsumerName, configure);
    }
}

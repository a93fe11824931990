using Amazon.DynamoDBv2;
using Microservices.Migrations;
using Microservices.SingleTable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microservices.Schema.Migrations;

public static class TableMigrationsServiceCollectionExtensions
{
    /// <summary>
    /// A service that writes items a migration changes takes part in it: its command runner writes the new shape
    /// while the migration does (<see cref="MigrationShaper"/>), and its readers can ask whether it is applied
    /// (<see cref="MigrationStates"/>).
    /// </summary>
    public static IServiceCollection AddTableMigrations(this IServiceCollection services)
    {
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<DynamoDbOptions>>().Value;
            return new MigrationStates(provider.GetRequiredService<IAmazonDynamoDB>(), options.LeaseTableName, options.TableName);
        });
        services.Replace(ServiceDescriptor.Singleton<IItemShaper>(provider => new MigrationShaper(provider.GetRequiredService<MigrationStates>(), TableMigrations.InPlace)));
        return services;
    }
}

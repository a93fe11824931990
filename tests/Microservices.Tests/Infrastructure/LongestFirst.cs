using System.Reflection;
using Xunit.Sdk;
using Xunit.v3;

[assembly: TestCollectionOrderer(typeof(LongestFirst))]

namespace Microservices.Tests.Infrastructure;

/// <summary>
/// About how long a test class takes on its own (seconds, measured on the two-core CI machine kind): the orderer starts
/// the long classes first, so that they run beside the many short ones instead of alone at the end.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class TakesAboutAttribute(int seconds) : Attribute
{
    public int Seconds { get; } = seconds;
}

/// <summary>
/// Starts the test collections longest first (by <see cref="TakesAboutAttribute"/>; the others after them, by name).
/// With two lanes and xunit's default, unpredictable order, a class of three minutes could start last and run alone
/// for most of them; longest first is the classic rule that keeps both lanes busy to the end.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    private const string Prefix = "Test collection for ";

    public IReadOnlyCollection<TTestCollection> OrderTestCollections<TTestCollection>(IReadOnlyCollection<TTestCollection> testCollections)
        where TTestCollection : ITestCollection =>
        [.. testCollections.OrderByDescending(c => Seconds(c)).ThenBy(c => c.TestCollectionDisplayName, StringComparer.Ordinal)];

    private static int Seconds(ITestCollection collection)
    {
        // A class's own collection is named after the class; a declared collection by its definition type.
        var name = collection.TestCollectionClassName
            ?? (collection.TestCollectionDisplayName.StartsWith(Prefix, StringComparison.Ordinal)
                ? collection.TestCollectionDisplayName[Prefix.Length..].Split(' ')[0]
                : null);
        var type = name is null ? null : typeof(LongestFirst).Assembly.GetType(name);
        return type?.GetCustomAttribute<TakesAboutAttribute>()?.Seconds ?? 0;
    }
}

using Ops;

namespace Microservices.UnitTests.Schema;

/// <summary>docs/data-model.md is generated from the declaration; these fail when either drifts from the other.</summary>
public sealed class DataModelDocumentTests
{
    [Fact]
    public void The_committed_data_model_is_what_the_declaration_generates()
    {
        var committed = File.ReadAllText(Repository.PathOf("docs", "data-model.md"));

        Assert.True(
            committed == DataModelDocument.Write(),
            "docs/data-model.md is stale: run `dotnet run --project services/Ops -- data-model > docs/data-model.md`.");
    }

    [Fact]
    public void Every_item_type_and_every_copy_source_is_declared_once()
    {
        var names = TableSchema.ItemTypeSpecs.Select(t => t.Name).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        foreach (var copy in TableSchema.ItemTypeSpecs.SelectMany(t => t.Copies))
        {
            var source = TableSchema.Find(copy.SourceItemType);
            Assert.Contains(source.Attributes, a => a.Name == copy.SourceAttribute);
        }

        foreach (var type in TableSchema.ItemTypeSpecs)
        {
            Assert.All(type.Copies, c => Assert.Contains(type.Attributes, a => a.Name == c.Attribute));
            Assert.All(type.Copies, c => Assert.Contains(type.Attributes, a => a.Name == c.VersionAttribute));
        }
    }
}

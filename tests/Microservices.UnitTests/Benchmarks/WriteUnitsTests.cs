using Amazon.DynamoDBv2.Model;
using Microservices.Benchmarks.Harness;

namespace Microservices.UnitTests.Benchmarks;

public sealed class WriteUnitsTests
{
    private static readonly (string Index, string[] Keys)[] Gsi1 = [("GSI1", ["GSI1PK", "GSI1SK"])];

    private static Dictionary<string, AttributeValue> Item(int dataBytes, string? indexKey = null)
    {
        var item = new Dictionary<string, AttributeValue>
        {
            ["PK"] = new("A"),
            ["SK"] = new("B"),
            ["D"] = new(new string('x', dataBytes)),
        };
        if (indexKey is not null)
        {
            item["GSI1PK"] = new(indexKey);
            item["GSI1SK"] = new("S");
        }

        return item;
    }

    [Fact]
    public void A_new_item_of_up_to_one_kilobyte_costs_one_unit_and_two_in_a_transaction()
    {
        Assert.Equal(1, WriteUnits.Of(null, Item(900), Gsi1, transactional: false).Table);
        Assert.Equal(2, WriteUnits.Of(null, Item(900), Gsi1, transactional: true).Table);
    }

    [Fact]
    public void The_larger_image_counts_in_whole_kilobytes()
    {
        // 2,500 bytes of data and the key attributes: three 1 KB units, whichever image is the larger.
        Assert.Equal(3, WriteUnits.Of(Item(2_500), Item(10), Gsi1, transactional: false).Table);
        Assert.Equal(3, WriteUnits.Of(Item(10), Item(2_500), Gsi1, transactional: false).Table);
        Assert.Equal(1, WriteUnits.Of(Item(0), null, Gsi1, transactional: false).Table);
    }

    [Fact]
    public void An_index_is_written_when_the_item_is_in_it_before_or_after_and_twice_when_its_index_key_changes()
    {
        Assert.Empty(WriteUnits.Of(Item(10), Item(20), Gsi1, transactional: false).Indexes);
        Assert.Equal(1, WriteUnits.Of(null, Item(10, "G#a"), Gsi1, transactional: false).Indexes["GSI1"]);
        Assert.Equal(1, WriteUnits.Of(Item(10, "G#a"), Item(20, "G#a"), Gsi1, transactional: false).Indexes["GSI1"]);
        Assert.Equal(1, WriteUnits.Of(Item(10, "G#a"), null, Gsi1, transactional: false).Indexes["GSI1"]);
        Assert.Equal(2, WriteUnits.Of(Item(10, "G#a"), Item(10, "G#b"), Gsi1, transactional: false).Indexes["GSI1"]);
        Assert.Equal(4, WriteUnits.Of(Item(10, "G#a"), Item(10, "G#b"), Gsi1, transactional: true).Indexes["GSI1"]);
        Assert.Equal(1, WriteUnits.Of(Item(10), Item(10, "G#b"), Gsi1, transactional: false).Indexes["GSI1"]);
    }

    [Fact]
    public void A_condition_check_costs_its_item_on_the_table_and_writes_no_index()
    {
        var (table, indexes) = WriteUnits.Of(Item(10, "G#a"), Item(10, "G#a"), Gsi1, transactional: true, conditionCheck: true);
        Assert.Equal(2, table);
        Assert.Empty(indexes);
    }
}

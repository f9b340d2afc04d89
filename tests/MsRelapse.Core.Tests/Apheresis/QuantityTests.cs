using MsRelapse.Core.Apheresis;

namespace MsRelapse.Core.Tests.Apheresis;

/// <summary>R0 ranges of weight (2–400 kg), height (40–250 cm) and hematocrit (10–70 %).</summary>
public sealed class QuantityTests
{
    [Theory]
    [InlineData(2, true)]
    [InlineData(400, true)]
    [InlineData(1.99, false)]
    [InlineData(400.01, false)]
    [InlineData(double.NaN, false)]
    public void Weight_is_accepted_within_2_to_400_kg(double kg, bool valid)
    {
        Assert.Equal(valid, BodyWeightKg.TryCreate(kg, out var weight, out var error));
        if (valid)
        {
            Assert.Equal(kg, weight.Value);
            Assert.Null(error);
        }
        else
        {
            Assert.EndsWith("is outside 2–400 kg", error, StringComparison.Ordinal);
            Assert.Throws<ArgumentOutOfRangeException>(() => new BodyWeightKg(kg));
        }
    }

    [Theory]
    [InlineData(40, true)]
    [InlineData(250, true)]
    [InlineData(39.9, false)]
    [InlineData(250.1, false)]
    public void Height_is_accepted_within_40_to_250_cm(double cm, bool valid)
    {
        Assert.Equal(valid, BodyHeightCm.TryCreate(cm, out var height, out var error));
        if (valid)
        {
            Assert.Equal(cm / 100, height.Metres);
        }
        else
        {
            Assert.Equal($"height {cm:0.###} cm is outside 40–250 cm", error);
        }
    }

    [Theory]
    [InlineData(10, null)]
    [InlineData(70, null)]
    [InlineData(44, null)]
    [InlineData(9.9, "hematocrit 9.9 % is outside 10–70 %")]
    [InlineData(70.5, "hematocrit 70.5 % is outside 10–70 %")]
    [InlineData(0, "hematocrit 0 % is outside 10–70 %")]
    [InlineData(0.44, "hematocrit 0.44 looks like a fraction: give it in percent (e.g. 44 for 0.44); expected 10–70 %")]
    [InlineData(1, "hematocrit 1 looks like a fraction: give it in percent (e.g. 42 for 0.42); expected 10–70 %")] // not "100 for 1": no blood is 100 %
    [InlineData(0.05, "hematocrit 0.05 looks like a fraction: give it in percent (e.g. 42 for 0.42); expected 10–70 %")]
    public void Hematocrit_is_percent_10_to_70_and_a_fraction_gets_a_hint(double value, string? error)
    {
        Assert.Equal(error is null, HematocritPercent.TryCreate(value, out var hct, out var actual));
        Assert.Equal(error, actual);
        if (error is null)
        {
            Assert.Equal(value / 100, hct.Fraction);
        }
        else
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new HematocritPercent(value));
            Assert.Contains(error, ex.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Messages_can_name_the_field_as_the_caller_knows_it() =>
        Assert.Equal("--weight-kg 500 kg is outside 2–400 kg", BodyWeightKg.Problem(500, "--weight-kg"));
}

using System.Globalization;
using FsCheck.Xunit;
using MsRelapse.Core.Pathway;

namespace MsRelapse.Core.Tests.Pathway;

/// <summary>
/// The engine's fast number and date text (made without parsing a format pattern on every call, for speed) must be
/// exactly the text of the invariant formats it replaces: the output may not change by a byte.
/// </summary>
public sealed class TextFormattingTests
{
    private static string Reference(double value) => value.ToString("0.0##", CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(-0.5)]
    [InlineData(10.0)]
    [InlineData(-10.0)]
    [InlineData(10.5)]
    [InlineData(-10.5)]
    [InlineData(3.25)]
    [InlineData(31.7)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Numbers_read_as_the_invariant_format_writes_them(double value) =>
        Assert.Equal(Reference(value), Text.Number(value));

    [Fact]
    public void Negative_zero_reads_as_the_invariant_format_writes_it() =>
        Assert.Equal(Reference(-0.0), Text.Number(-0.0));

    [Property(MaxTest = 500)]
    public void Any_half_step_or_arbitrary_number_reads_as_the_invariant_format(int halves, double any)
    {
        Assert.Equal(Reference(halves / 2.0), Text.Number(halves / 2.0));
        Assert.Equal(Reference(any), Text.Number(any));
    }

    [Property(MaxTest = 500)]
    public void Dates_read_as_the_invariant_yyyy_MM_dd(int dayNumber)
    {
        var date = DateOnly.FromDayNumber(Math.Abs(dayNumber % DateOnly.MaxValue.DayNumber));
        Assert.Equal(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text.Date(date));
    }

    [Fact]
    public void Early_and_late_years_are_padded_like_the_invariant_format()
    {
        Assert.Equal("0001-01-01", Text.Date(DateOnly.MinValue));
        Assert.Equal("0999-12-31", Text.Date(new DateOnly(999, 12, 31)));
        Assert.Equal("9999-12-31", Text.Date(DateOnly.MaxValue));
    }
}

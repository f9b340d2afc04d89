using MsRelapse.Storage.Internal;

namespace MsRelapse.Storage.Tests;

public sealed class SearchKeyTests
{
    [Theory]
    [InlineData("García  María", "garcia maria")]
    [InlineData("GARCÍA", "garcia")]
    [InlineData("Garci\u0301a", "garcia")] // decomposed: i + combining acute accent
    [InlineData("Łukasz Żółć", "lukasz zolc")]
    [InlineData("Straße", "strasse")]
    [InlineData("Øyvind Æsøy", "oyvind aesoy")]
    [InlineData("Œuvre", "oeuvre")]
    [InlineData("Ðorđe Šćepanović", "dorde scepanovic")]
    [InlineData("  Mc\tDonald \n", "mc donald")]
    [InlineData("O'Brien-Smith", "o'brien-smith")]
    [InlineData("", "")]
    public void Names_fold_to_lower_case_without_accents(string text, string key)
    {
        Assert.Equal(key, Checks.SearchKey(text));
    }

    [Fact]
    public void Letters_outside_the_latin_tables_are_only_lower_cased()
    {
        // Greek and Cyrillic keep their letters (no transliteration), lower-cased one character at a time (so a
        // final Σ becomes σ, not ς: query and stored text are folded the same way, so they still match).
        Assert.Equal("παπαδόπουλοσ иванов", Checks.SearchKey("ΠΑΠΑΔΌΠΟΥΛΟΣ Иванов"));
    }
}

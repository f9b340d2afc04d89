using MsRelapse.Knowledge.Book;
using MsRelapse.Testing;

namespace MsRelapse.Knowledge.Tests;

/// <summary>
/// The book's vignette catalogue (src/MsRelapse.Knowledge/Book/vignettes.ndjson) is exactly the inputs the vignette
/// tests evaluate now. After adding or changing a vignette, regenerate it with
/// <c>MSRELAPSE_UPDATE_VIGNETTE_CATALOGUE=1 dotnet test tests/MsRelapse.Knowledge.Tests --filter VignetteCatalogue</c>
/// and commit the file with the vignette.
/// </summary>
public sealed class VignetteCatalogueTests
{
    private static string CataloguePath => Path.Combine(RepoPaths.Root, "src", "MsRelapse.Knowledge", "Book", "vignettes.ndjson");

    [Fact]
    public void Committed_catalogue_is_the_inputs_the_vignettes_evaluate_now()
    {
        var expected = VignetteCatalogue.Write(Vignettes.All.Select(v => new VignetteCase(v.Vignette, v.Row, v.AsOf, v.BundleJson)));
        if (Environment.GetEnvironmentVariable("MSRELAPSE_UPDATE_VIGNETTE_CATALOGUE") == "1")
        {
            File.WriteAllText(CataloguePath, expected);
        }

        var committed = File.Exists(CataloguePath) ? File.ReadAllText(CataloguePath) : string.Empty;
        Assert.True(committed == expected,
            "the vignette catalogue is stale: regenerate it with MSRELAPSE_UPDATE_VIGNETTE_CATALOGUE=1 dotnet test tests/MsRelapse.Knowledge.Tests --filter VignetteCatalogue, and commit it");
        // The embedded copy (what the book reads) is the committed file of this build.
        Assert.Equal(VignetteCatalogue.Parse(committed).Count, VignetteCatalogue.All.Count);
    }
}

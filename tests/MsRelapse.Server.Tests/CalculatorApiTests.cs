using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using MsRelapse.Cli;

namespace MsRelapse.Server.Tests;

public sealed class CalculatorApiTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    private static string Cli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = Program.Run(args, stdout, stderr, new StringReader(""));
        Assert.True(exit == 0, stderr.ToString());
        return stdout.ToString();
    }

    [Fact]
    public async Task Edss_equals_the_CLI_json_byte_for_byte()
    {
        // Pyramidal 3, sensory 2, brainstem 1, cerebellar 1, ambulation 0 (fully ambulatory): one FS grade 3 with
        // one FS grade 2 → EDSS 3.5 by the functional-system step (Kurtzke 1983).
        var api = await host.Client.GetByteArrayAsync("/api/edss?visual=0&brainstem=1&pyramidal=3&cerebellar=1&sensory=2&bowelBladder=0&cerebral=0&ambulation=0");
        var cli = Cli("edss", "--visual", "0", "--brainstem", "1", "--pyramidal", "3", "--cerebellar", "1", "--sensory", "2", "--bowel-bladder", "0", "--cerebral", "0", "--ambulation", "0", "--json");
        Assert.Equal(Encoding.UTF8.GetBytes(cli), api);
        Assert.Equal(3.5, (double)JsonNode.Parse(api)!["edss"]!);
    }

    [Fact]
    public async Task Edss_names_every_missing_or_out_of_range_parameter()
    {
        using var response = await host.Client.GetAsync("/api/edss?visual=7&brainstem=1&pyramidal=2.5&cerebellar=x&sensory=2&cerebral=0&ambulation=0");
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
        var paths = problem["errors"]!.AsArray().Select(e => (string?)e!["path"]).ToList();
        Assert.Equal(["visual", "pyramidal", "cerebellar", "bowelBladder"], paths);
    }

    [Fact]
    public async Task Tpe_plan_equals_the_CLI_json_byte_for_byte()
    {
        // The steroid-refractory example: 181 cm, 82 kg, Hct 44 % → Nadler TBV ≈ 5,419 mL, PV ≈ 3,035 mL (README).
        var api = await host.Client.GetByteArrayAsync("/api/tpe-plan?sex=male&heightCm=181&weightKg=82&hematocrit=44&start=2026-05-13");
        var cli = Cli("tpe-plan", "--sex", "male", "--height-cm", "181", "--weight-kg", "82", "--hematocrit", "44", "--start", "2026-05-13", "--json");
        Assert.Equal(Encoding.UTF8.GetBytes(cli), api);
        var json = JsonNode.Parse(api)!;
        Assert.InRange((double)json["plasmaVolumeMl"]!, 3030, 3040);
        Assert.Equal("2026-05-13", (string?)json["startDate"]);
    }

    [Fact]
    public async Task Tpe_plan_start_defaults_to_today_from_the_injected_clock()
    {
        var json = JsonNode.Parse(await host.Client.GetStringAsync("/api/tpe-plan?sex=female&heightCm=165&weightKg=60&hematocrit=40&exchanges=7&plasmaVolumes=1.5"))!;
        Assert.Equal("2026-05-11", (string?)json["startDate"]);
        Assert.Equal(7, (int)json["exchanges"]!);
    }

    [Theory]
    [InlineData("sex=male&heightCm=181&weightKg=82&hematocrit=0.44", "hematocrit")]
    [InlineData("sex=male&heightCm=181&weightKg=82", "hematocrit")]
    [InlineData("sex=x&heightCm=181&weightKg=82&hematocrit=44", "sex")]
    [InlineData("sex=male&heightCm=500&weightKg=82&hematocrit=44", "heightCm")]
    [InlineData("sex=male&heightCm=181&weightKg=NaN&hematocrit=44", "weightKg")]
    [InlineData("sex=male&heightCm=181&weightKg=82&hematocrit=44&exchanges=4", "exchanges")]
    [InlineData("sex=male&heightCm=181&weightKg=82&hematocrit=44&plasmaVolumes=2", "plasmaVolumes")]
    [InlineData("sex=male&heightCm=181&weightKg=82&hematocrit=44&start=13/05/2026", "start")]
    public async Task Tpe_plan_refuses_bad_input_naming_the_parameter(string query, string parameter)
    {
        using var response = await host.Client.GetAsync("/api/tpe-plan?" + query);
        var problem = await Problem.Assert(response, HttpStatusCode.BadRequest, "invalid-parameter");
        Assert.Contains(problem["errors"]!.AsArray(), e => (string?)e!["path"] == parameter);
    }
}

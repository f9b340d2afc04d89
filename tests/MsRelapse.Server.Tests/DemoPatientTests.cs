using System.Net;
using System.Text.Json.Nodes;

namespace MsRelapse.Server.Tests;

public sealed class DemoPatientTests
{
    [Fact]
    public async Task An_empty_database_is_seeded_with_the_seven_demo_patients_once()
    {
        await using var host = await TestHost.StartAsync(seedDemo: true);
        var list = JsonNode.Parse(await host.Client.GetStringAsync("/api/patients?pageSize=100"))!;
        Assert.Equal(
            ["demo-apheresis-in-progress", "demo-aqp4-positive", "demo-mild-relapse", "demo-pediatric-relapse", "demo-pseudo-relapse-fever", "demo-severe-untreated", "demo-steroid-refractory"],
            list["items"]!.AsArray().Select(i => (string)i!["id"]!));

        // A second start on the same (now non-empty) database seeds nothing.
        var starter = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions
            .GetServices<Microsoft.Extensions.Hosting.IHostedService>(host.App.Services).OfType<StartupTasks>().Single();
        await starter.StartAsync(default);
        var again = await host.Store.ListAsync(new Storage.PatientQuery(PageSize: 100), default);
        Assert.All(again.Items, p => Assert.Equal(1, p.Version));
        Assert.Equal(7, again.TotalCount);
    }

    [Fact]
    public async Task No_demo_leaves_the_database_empty()
    {
        await using var host = await TestHost.StartAsync(seedDemo: false);
        Assert.True(await host.Store.IsEmptyAsync(default));
    }

    [Theory]
    [InlineData("demo-severe-untreated", "iv-methylprednisolone", null)]
    [InlineData("demo-steroid-refractory", "plasma-exchange", null)]
    [InlineData("demo-pseudo-relapse-fever", "treat-trigger", "fever")]
    [InlineData("demo-aqp4-positive", "plasma-exchange", "possible-nmosd")]
    [InlineData("demo-mild-relapse", "observe", null)]
    [InlineData("demo-apheresis-in-progress", "plasma-exchange", null)]
    [InlineData("demo-pediatric-relapse", "iv-methylprednisolone", "pediatric")]
    public async Task Each_demo_patient_shows_its_pathway_whatever_the_date_of_the_demo(string id, string primary, string? flag)
    {
        // Started 200 days after the date the bundles were written for: the dates move with it.
        await using var host = await TestHost.StartAsync(seedDemo: true, clockOverride: Shifted(200));
        using var response = await host.Client.PostAsync($"/api/patients/{id}/evaluations", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var evaluation = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var recommendation = evaluation["recommendation"]!;
        Assert.Equal(DemoPatients.ReferenceDate.AddDays(200).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), (string?)recommendation["asOf"]);
        Assert.Equal(primary, (string?)recommendation["recommendation"]!["primary"]);
        if (flag is not null)
        {
            Assert.Contains(recommendation["flags"]!.AsArray(), f => (string?)f!["code"] == flag);
        }
    }

    [Fact]
    public void Shifting_moves_dates_and_date_times_and_nothing_else()
    {
        const string json = """{"a":"2026-05-11","b":"2026-05-11T08:30:00+02:00","c":"12345","d":[{"e":"1995-04-01"}],"f":"2026-05"}""";
        var shifted = JsonNode.Parse(DemoPatients.ShiftDates(json, 30))!;
        Assert.Equal("2026-06-10", (string?)shifted["a"]);
        Assert.Equal("2026-06-10T08:30:00+02:00", (string?)shifted["b"]);
        Assert.Equal("12345", (string?)shifted["c"]);
        Assert.Equal("1995-05-01", (string?)shifted["d"]![0]!["e"]);
        Assert.Equal("2026-05", (string?)shifted["f"]);
    }

    private static Microsoft.Extensions.Time.Testing.FakeTimeProvider Shifted(int days)
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(TestHost.Today.AddDays(days));
        clock.SetLocalTimeZone(TimeZoneInfo.Utc);
        return clock;
    }
}

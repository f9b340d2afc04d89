using System.Net;
using System.Net.Http.Headers;

namespace MsRelapse.Server.Tests;

/// <summary>A valid token whose subject cannot be audited as it is gets 401, not a 500 from the audit write.</summary>
public sealed class TokenSubjectTests : IAsyncLifetime
{
    private TestHost host = null!;

    public async Task InitializeAsync() => host = await TestHost.StartWithAuthAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Theory]
    [InlineData(257, "")]
    [InlineData(2000, "")]
    [InlineData(10, "\u0001")]
    [InlineData(10, "\n")]
    public async Task A_subject_too_long_or_with_a_control_character_is_401(int length, string insert)
    {
        var subject = new string('s', length).Insert(3, insert);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients/nobody");
        request.Headers.Authorization = TestTokens.Bearer(TestTokens.Create(subject, "clinician"));
        using var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_subject_of_256_plain_characters_is_fine()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/patients/nobody");
        request.Headers.Authorization = TestTokens.Bearer(TestTokens.Create(new string('s', 256), "clinician"));
        using var response = await host.Client.SendAsync(request);
        await Problem.Assert(response, HttpStatusCode.NotFound, "patient-not-found");
    }
}

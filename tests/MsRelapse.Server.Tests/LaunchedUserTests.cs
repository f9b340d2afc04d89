using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using MsRelapse.Server.Web;

namespace MsRelapse.Server.Tests;

/// <summary>
/// The ID token of a SMART launch names the session's user only when it is for this client, unexpired, answers this
/// launch's nonce and comes from the issuer the EHR names (OpenID Connect Core §3.1.3.7; the page review found none of
/// these checked, so any ID token the token endpoint returned named the user shown and audited).
/// </summary>
public sealed class LaunchedUserTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 9, 0, 0, TimeSpan.Zero);
    private static readonly SymmetricSecurityKey Key = new(new byte[32]) { KeyId = "ehr" };

    private static string IdToken(string audience = "msrelapse", string nonce = "n-1", string issuer = "https://ehr.example/auth", DateTimeOffset? expires = null, bool fhirUser = true)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "u-42", ["name"] = "Dr Ada Neuro", ["nonce"] = nonce };
        if (fhirUser)
        {
            claims["fhirUser"] = "Practitioner/p-7";
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = (expires ?? Now.AddMinutes(10)).UtcDateTime.AddMinutes(-20),
            NotBefore = (expires ?? Now.AddMinutes(10)).UtcDateTime.AddMinutes(-20),
            Expires = (expires ?? Now.AddMinutes(10)).UtcDateTime,
            SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.HmacSha256),
        });
    }

    [Fact]
    public void A_token_for_this_client_and_launch_names_the_user_by_fhirUser_then_sub()
    {
        Assert.Equal(new LaunchedUser("Practitioner/p-7", "Dr Ada Neuro"), LaunchedUser.Of(IdToken(), "msrelapse", "n-1", "https://ehr.example/auth", Now));
        Assert.Equal("u-42", LaunchedUser.Of(IdToken(fhirUser: false), "msrelapse", "n-1", "https://ehr.example/auth", Now)?.User);
        // The EHR's smart-configuration need not name an issuer: then iss is not compared.
        Assert.NotNull(LaunchedUser.Of(IdToken(issuer: "https://elsewhere.example"), "msrelapse", "n-1", null, Now));
    }

    [Fact]
    public void A_token_for_another_client_another_launch_another_issuer_or_expired_names_nobody()
    {
        Assert.Null(LaunchedUser.Of(IdToken(audience: "another-app"), "msrelapse", "n-1", "https://ehr.example/auth", Now));
        Assert.Null(LaunchedUser.Of(IdToken(nonce: "n-2"), "msrelapse", "n-1", "https://ehr.example/auth", Now));
        Assert.Null(LaunchedUser.Of(IdToken(issuer: "https://elsewhere.example"), "msrelapse", "n-1", "https://ehr.example/auth", Now));
        Assert.Null(LaunchedUser.Of(IdToken(expires: Now.AddMinutes(-6)), "msrelapse", "n-1", "https://ehr.example/auth", Now));
        Assert.NotNull(LaunchedUser.Of(IdToken(expires: Now.AddMinutes(-4)), "msrelapse", "n-1", "https://ehr.example/auth", Now)); // within the skew
        Assert.Null(LaunchedUser.Of("not a token", "msrelapse", "n-1", null, Now));
        Assert.Null(LaunchedUser.Of(null, "msrelapse", "n-1", null, Now));
    }
}

using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace MsRelapse.Server.Infrastructure;

/// <summary>
/// Reads a FHIR JSON request body: checks the media type (<c>application/fhir+json</c> or <c>application/json</c>,
/// fhir-profile.md), enforces the size limit whatever the transport says, and decodes strict UTF-8.
/// </summary>
public static class FhirBody
{
    /// <summary>Media type of FHIR JSON.</summary>
    public const string FhirJson = "application/fhir+json";

    /// <summary>The body as text, or the problem that stops it.</summary>
    public readonly record struct Result(string? Text, IResult? Problem);

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<Result> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsFhirJson(request.ContentType))
        {
            return new(null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ProblemCodes.UnsupportedMediaType,
                "Send FHIR JSON.", "Content-Type must be application/fhir+json or application/json."));
        }

        if (request.ContentLength > maxBytes)
        {
            return new(null, TooLarge(maxBytes));
        }

        byte[] bytes;
        try
        {
            bytes = await ReadLimitedAsync(request.Body, maxBytes, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return new(null, TooLarge(maxBytes));
        }
        catch (BadHttpRequestException)
        {
            return new(null, Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "The request body could not be read."));
        }

        if (bytes.LongLength > maxBytes)
        {
            return new(null, TooLarge(maxBytes));
        }

        if (bytes.Length == 0)
        {
            return new(null, ParseError("The request body is empty; send a FHIR resource as JSON."));
        }

        try
        {
            var start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
            return new(StrictUtf8.GetString(bytes, start, bytes.Length - start), null);
        }
        catch (DecoderFallbackException)
        {
            return new(null, ParseError("The request body is not valid UTF-8."));
        }
    }

    /// <summary>A 400 <c>fhir-parse-error</c> problem.</summary>
    public static IResult ParseError(string detail, IEnumerable<ProblemError>? errors = null) =>
        Problems.Create(StatusCodes.Status400BadRequest, ProblemCodes.FhirParseError, "The body is not a readable FHIR resource.", detail, errors);

    private static IResult TooLarge(long maxBytes) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, ProblemCodes.PayloadTooLarge, "The request body is too large.",
            $"The limit is {maxBytes} bytes (serve --max-body-mb).");

    private static bool IsFhirJson(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var parsed))
        {
            return false;
        }

        var media = parsed.MediaType.Value;
        var charset = parsed.Charset.Value;
        var mediaOk = string.Equals(media, FhirJson, StringComparison.OrdinalIgnoreCase)
            || string.Equals(media, "application/json", StringComparison.OrdinalIgnoreCase);
        return mediaOk && (charset is null || string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task<byte[]> ReadLimitedAsync(Stream body, long maxBytes, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        while (true)
        {
            var read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > maxBytes)
            {
                // Stop reading at once: a client streaming gigabytes should cost us no more than the limit.
                break;
            }
        }

        return buffer.ToArray();
    }
}

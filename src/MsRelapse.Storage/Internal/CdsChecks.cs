namespace MsRelapse.Storage.Internal;

/// <summary>What the CDS Hooks tables accept in a uuid or a code column, and how a refusal says it.</summary>
internal static class CdsChecks
{
    public static bool IsUuid(string? value) =>
        value is not null && value.Length <= CdsHooksModel.UuidMaxLength && Guid.TryParseExact(value, "D", out _);

    public static bool IsCode(string? value, int maxLength) =>
        !string.IsNullOrEmpty(value) && value.Length <= maxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');

    public static string NotAUuid(string what) => $"{what} must be a uuid (8-4-4-4-12 hex digits).";

    public static string NotACode(string what, int maxLength) => $"{what} must be a code: 1 to {maxLength} characters from A-Z, a-z, 0-9, '-', '.', '_'.";
}

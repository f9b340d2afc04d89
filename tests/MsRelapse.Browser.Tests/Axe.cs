using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using MsRelapse.Testing;

namespace MsRelapse.Browser.Tests;

/// <summary>
/// The axe-core accessibility engine (npm <c>axe-core</c>, pinned in this folder's package.json/package-lock.json and
/// installed by <c>npm ci</c> on first use), injected into the page under test through the DevTools protocol: the page
/// itself never loads it.
/// </summary>
public static class Axe
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? source;

    private static string Folder => Path.Combine(RepoPaths.Root, "tests", "MsRelapse.Browser.Tests");

    private static async Task<string> SourceAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (source is not null)
            {
                return source;
            }

            var file = Path.Combine(Folder, "node_modules", "axe-core", "axe.min.js");
            if (!File.Exists(file))
            {
                // Test setup: install the pinned axe-core from the npm registry (lock file checked by npm ci).
                using var npm = Process.Start(new ProcessStartInfo("npm", "ci --no-audit --no-fund --ignore-scripts")
                {
                    WorkingDirectory = Folder,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                }) ?? throw new InvalidOperationException("npm could not be started: install Node.js (npm) to run the accessibility scan.");
                var stderr = npm.StandardError.ReadToEndAsync();
                await npm.StandardOutput.ReadToEndAsync();
                await npm.WaitForExitAsync();
                if (npm.ExitCode != 0 || !File.Exists(file))
                {
                    throw new InvalidOperationException($"npm ci failed in {Folder}: {await stderr}");
                }
            }

            source = await File.ReadAllTextAsync(file);
            return source;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs axe (WCAG 2.0–2.2 A and AA rules) on the page and returns the serious and critical violations, one line each.</summary>
    public static async Task<IReadOnlyList<string>> SeriousViolationsAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.EvaluateAsync(await SourceAsync());
        var result = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
              return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')}`);
            }
            """);
        return [.. result.EnumerateArray().Select(x => x.GetString() ?? "")];
    }
}

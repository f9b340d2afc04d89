using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using MsRelapse.Vignettes.Tests;

namespace MsRelapse.Knowledge.Tests;

/// <summary>One evaluation made by a vignette: which vignette (class, method, theory row) and its input.</summary>
public sealed record VignetteInput(string Vignette, string Row, string BundleJson, DateOnly AsOf);

/// <summary>
/// Runs every vignette of <c>MsRelapse.Vignettes.Tests</c> (each [Fact] and each [InlineData] row of the classes in
/// its Vignettes namespace, the same set the contract tests run) with <see cref="Evaluate.InputRecorder"/> set, and
/// collects every input it evaluates. A vignette's own assertion failures are its own test's business.
/// </summary>
public static partial class Vignettes
{
    private static readonly Lazy<IReadOnlyList<VignetteInput>> Collected = new(Collect);

    /// <summary>Every input, in class, method and row order.</summary>
    public static IReadOnlyList<VignetteInput> All => Collected.Value;

    private static List<VignetteInput> Collect()
    {
        var results = new List<VignetteInput>();
        var ns = typeof(MsRelapse.Vignettes.Tests.Vignettes.R0ValidationVignettes).Namespace;
        var classes = typeof(Evaluate).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.Namespace == ns)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var type in classes)
        {
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                var fact = method.GetCustomAttribute<FactAttribute>();
                if (fact is null || fact.Skip is not null)
                {
                    continue;
                }

                var rows = fact is TheoryAttribute
                    ? method.GetCustomAttributes<InlineDataAttribute>().SelectMany(a => a.GetData(method)).ToList()
                    : [Array.Empty<object?>()];
                foreach (var row in rows)
                {
                    var args = Convert(method, row);
                    var recorded = new List<(string, DateOnly)>();
                    Evaluate.InputRecorder.Value = recorded;
                    try
                    {
                        method.Invoke(Activator.CreateInstance(type), args);
                    }
                    catch (TargetInvocationException)
                    {
                        // The vignette's own failure is reported by the vignette; its inputs still count here.
                    }
                    finally
                    {
                        Evaluate.InputRecorder.Value = null;
                    }

                    var rowText = RowText(method, args);
                    results.AddRange(recorded.Select(r => new VignetteInput($"{type.Name}.{method.Name}", rowText, r.Item1, r.Item2)));
                }
            }
        }

        return results;
    }

    /// <summary>
    /// A theory row as the book shows it to a governance committee: each argument after its parameter's name in words,
    /// a flag as yes or no ("value: 9.5, unit: %, accepted: no", not "9.5, %, False").
    /// </summary>
    private static string RowText(MethodInfo method, object?[] args) =>
        string.Join(", ", method.GetParameters().Zip(args, (p, a) => $"{Words(p.Name!)}: {a switch
        {
            null => "none",
            bool b => b ? "yes" : "no",
            _ => string.Format(CultureInfo.InvariantCulture, "{0}", a),
        }}"));

    /// <summary><c>onsetDaysAgo</c> → "onset days ago".</summary>
    private static string Words(string name) => CamelHump().Replace(name, " $1").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex CamelHump();

    /// <summary>xUnit converts InlineData values to the parameter types; reflection does not.</summary>
    private static object?[] Convert(MethodInfo method, object?[]? row)
    {
        row ??= [null];
        return method.GetParameters().Select((p, i) =>
        {
            var value = row[i];
            var target = Nullable.GetUnderlyingType(p.ParameterType) ?? p.ParameterType;
            return value is null || target.IsInstanceOfType(value) || target.IsEnum
                ? value
                : System.Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
        }).ToArray();
    }
}

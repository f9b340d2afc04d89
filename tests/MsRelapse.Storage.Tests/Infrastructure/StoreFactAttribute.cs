using Xunit.Abstractions;
using Xunit.Sdk;

namespace MsRelapse.Storage.Tests.Infrastructure;

/// <summary>
/// A fact of the shared store test class. It is skipped, with a reason, when its concrete class needs PostgreSQL
/// (<see cref="IPostgresTests"/>) and <c>MSRELAPSE_TEST_POSTGRES</c> is not set — unless <c>CI=true</c>: then it runs
/// and fails, so that CI can never pass by silently skipping the PostgreSQL half.
/// </summary>
[XunitTestCaseDiscoverer("MsRelapse.Storage.Tests.Infrastructure.StoreFactDiscoverer", "MsRelapse.Storage.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute
{
}

/// <summary>Marks a test class that runs against PostgreSQL.</summary>
#pragma warning disable CA1040 // A marker: the discoverer asks "is this class a PostgreSQL one?".
public interface IPostgresTests
#pragma warning restore CA1040
{
}

/// <summary>Creates <see cref="StoreTestCase"/>s, whose skip reason depends on the concrete test class.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    /// <inheritdoc />
    protected override IXunitTestCase CreateTestCase(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        new StoreTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod);
}

/// <summary>A test case skipped when its class needs a PostgreSQL server that is not configured.</summary>
public sealed class StoreTestCase : XunitTestCase
{
    /// <summary>For deserialisation by the runner.</summary>
    [Obsolete("Called by the de-serializer; should only be called by deriving classes for de-serialization purposes")]
    public StoreTestCase()
    {
    }

    /// <summary>Creates the case.</summary>
    public StoreTestCase(IMessageSink sink, TestMethodDisplay display, TestMethodDisplayOptions options, ITestMethod testMethod)
        : base(sink, display, options, testMethod)
    {
    }

    /// <inheritdoc />
    protected override string GetSkipReason(IAttributeInfo factAttribute)
    {
        var declared = base.GetSkipReason(factAttribute);
        if (declared is not null)
        {
            return declared;
        }

        var type = TestMethod.TestClass.Class.ToRuntimeType();
        return typeof(IPostgresTests).IsAssignableFrom(type) ? PostgresTestServer.SkipReason()! : null!;
    }
}

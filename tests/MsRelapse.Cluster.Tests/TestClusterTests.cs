using Orleans.TestingHost;

namespace MsRelapse.Cluster.Tests;

/// <summary>An in-process two-silo Orleans cluster (TestingHost): the same output as one machine, even when a silo dies mid-run.</summary>
public sealed class TestClusterTests
{
    private sealed class FastFailure : ISiloConfigurator
    {
        public void Configure(ISiloBuilder siloBuilder) => ClusterHost.ConfigureFastFailureDetection(siloBuilder.Services);
    }

    private static async Task<TestCluster> StartAsync()
    {
        var builder = new TestClusterBuilder(2);
        builder.AddSiloBuilderConfigurator<FastFailure>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    [Fact]
    public async Task Two_silos_share_the_partitions_and_merge_to_the_single_machine_output()
    {
        using var cohort = new Cohort(400, 12);
        var cluster = await StartAsync();
        try
        {
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster"));

            cohort.AssertSameAsSingleMachine("cluster");
            Assert.Equal(12, result.PartitionsBySilo.Values.Sum());
            Assert.Equal(2, result.PartitionsBySilo.Count); // random placement spread the work over both silos
            Assert.Equal(0, result.Reruns);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_silo_killed_mid_run_has_its_partitions_re_run_and_nothing_is_counted_twice()
    {
        using var cohort = new Cohort(600, 24);
        var cluster = await StartAsync();
        try
        {
            var victim = cluster.SecondarySilos[0];
            var killed = 0;
            var result = await ClusterScreenRun.RunAsync(cluster.Client, cohort.Options("cluster-kill"), new ClusterRunOptions(InFlight: 8, CallTimeout: TimeSpan.FromSeconds(60)), p =>
            {
                if (p.PartitionsDone >= 3 && Interlocked.Exchange(ref killed, 1) == 0)
                {
                    _ = cluster.KillSiloAsync(victim); // abrupt: no graceful shutdown, in-flight calls are lost
                }
            });

            cohort.AssertSameAsSingleMachine("cluster-kill");
            Assert.Equal(1, killed);
            Assert.Equal(24, result.PartitionsBySilo.Values.Sum());
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}

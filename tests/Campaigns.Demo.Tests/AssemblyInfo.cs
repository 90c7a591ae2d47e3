// Each test starts a Temporal dev server with its Web UI, a simulator and a worker (and one a browser): one at a
// time on a 2-core machine.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

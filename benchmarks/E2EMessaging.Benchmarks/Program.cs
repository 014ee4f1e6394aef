using BenchmarkDotNet.Running;
using E2EMessaging.Benchmarks.CompareLibsignal;

if (args.Length > 0 && args[0] == "compare-libsignal")
{
    return await CompareLibsignalCommand.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

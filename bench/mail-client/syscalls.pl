#!/usr/bin/perl
# syscalls.pl DIR [N]: the system calls per message in DIR/sys.data (perf record -e raw_syscalls:sys_enter -p PID over
# N messages, default 10,000), by thread (DIR/threads.txt: "tid name" lines; the carriers of virtual threads as one)
# and call, from perf script and the kernel headers' syscall numbers. Used by single-ab.sh.
my ($d, $n) = @ARGV; $n ||= 10000;
my %name; open(H, "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"); while (<H>) { $name{$2} = $1 if /#define __NR_(\w+) (\d+)/ } close H;
my %comm; open(T, "$d/threads.txt"); while (<T>) { chomp; my ($t, $c) = split / /, $_, 2; $comm{$t} = $c } close T;
open(P, "perf script -i $d/sys.data -F tid,trace 2>/dev/null |");
my (%c, %r, $tot);
while (<P>) { next unless /^\s*(\d+)\s+NR (\d+)/; my ($tid, $nr) = ($1, $2); my $k = $comm{$tid} // "?"; $k = "carrier" if $k =~ /^ForkJoinPool/; $r{$k}++; $c{"$k $name{$nr}"}++; $tot++ }
printf "%.2f per message\n", $tot / $n;
for my $k (sort { $r{$b} <=> $r{$a} } keys %r) { next if $r{$k} / $n < 0.01; printf "  %s %.3f:", $k, $r{$k} / $n;
  for my $x (sort { $c{$b} <=> $c{$a} } grep { /^\Q$k\E / } keys %c) { my $v = $c{$x} / $n; next if $v < 0.01; (my $s = $x) =~ s/^\Q$k\E //; printf " %s %.3f", $s, $v } print "\n" }

import neostandard from 'neostandard'

export default neostandard({
  ts: true,
  ignores: ['dist/**', 'build/**', '.build-test-*/**', 'coverage/**', '.tap/**', 'examples/**/botssys/**', 'bench/results/**']
})

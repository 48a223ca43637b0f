import { render } from 'preact';
import '../shared/styles.css';
import { MobileApp } from './app.tsx';

render(<MobileApp />, document.getElementById('app')!);

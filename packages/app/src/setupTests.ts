import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI runs these jsdom tests beside the integration tests (MariaDB, the emulator, Spark's
// JVMs) on two cores, where the first render of a file alone has taken over 5 s. Jest's 5 s
// default and Testing Library's 1 s wait then fail tests whose assertions hold; the budget
// grows so that a loaded machine is slow, not red.
jest.setTimeout(30_000);
configure({ asyncUtilTimeout: 10_000 });

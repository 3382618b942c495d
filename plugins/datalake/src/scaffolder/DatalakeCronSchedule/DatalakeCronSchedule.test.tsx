import { renderInTestApp } from '@backstage/test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { fieldProps } from '../__testUtils__/sourceReports';
import {
  DatalakeCronSchedule,
  datalakeCronScheduleValidation,
} from './DatalakeCronSchedule';

describe('DatalakeCronSchedule', () => {
  it('previews a valid expression in words and explains an invalid one', async () => {
    const props = fieldProps('0 2 * * 1-5', {}, 'Schedule');
    const { rerender } = await renderInTestApp(
      <DatalakeCronSchedule {...props} />,
    );
    expect(
      screen.getByText('At 02:00 UTC, Monday to Friday'),
    ).toBeInTheDocument();

    fireEvent.change(screen.getByLabelText('cron expression'), {
      target: { value: '0 25 * * *' },
    });
    expect(props.onChange).toHaveBeenCalledWith('0 25 * * *');
    rerender(<DatalakeCronSchedule {...fieldProps('0 25 * * *')} />);
    expect(
      screen.getByText(/Invalid schedule '0 25 \* \* \*': the hour field '25'/),
    ).toBeInTheDocument();
  });

  it('validates like the server', () => {
    const validation = { addError: jest.fn() };
    datalakeCronScheduleValidation('0 2 * *', validation as any, {} as any);
    datalakeCronScheduleValidation('0 2 * * *', validation as any, {} as any);
    expect(validation.addError).toHaveBeenCalledTimes(1);
    expect(validation.addError.mock.calls[0][0]).toMatch(/has five fields/);
  });
});
